// Shared by the JS tests: the packed tarball installed into a fresh project, as a user would.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** dist/hcp-segments-<version>.tgz (HCP_TARBALL overrides). */
export function tarballPath() {
  if (process.env.HCP_TARBALL) return resolve(process.env.HCP_TARBALL);
  const version = readFileSync(join(ROOT, "Cargo.toml"), "utf8").match(/^version\s*=\s*"([^"]+)"/m)[1];
  const p = join(ROOT, "dist", `hcp-segments-${version}.tgz`);
  if (!existsSync(p)) throw new Error(`${p} not found: run \`make package\` first`);
  return p;
}

/** A fresh temp project with the tarball installed (npm init -y && npm install <tarball>). */
export function freshProject(prefix = "hcp-consumer-") {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  execFileSync("npm", ["init", "-y"], { cwd: dir, stdio: "ignore" });
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", tarballPath()], {
    cwd: dir,
    stdio: ["ignore", "ignore", "inherit"],
  });
  return dir;
}

/** require("hcp-segments") resolved from inside the project (exports map, "require" condition). */
export function requireFrom(dir) {
  return createRequire(join(dir, "package.json"))("hcp-segments");
}

/** Run a script file written into the project; returns {status, stdout, stderr}. */
export function runIn(dir, name, source, args = [], opts = {}) {
  writeFileSync(join(dir, name), source);
  const r = spawnSync(process.execPath, [name, ...args], { cwd: dir, encoding: "utf8", ...opts });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The package's bin, run from the project as `npx hcp-segments` would. */
export function cli(dir, args, opts = {}) {
  const bin = join(dir, "node_modules", ".bin", "hcp-segments");
  const r = spawnSync(bin, args, { cwd: dir, encoding: "utf8", ...opts });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function listFiles(dir) {
  return readdirSync(dir, { recursive: true });
}
