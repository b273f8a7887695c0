// The packed tarball as the registry shows it: licence files and fields, where the project
// lives, and a README written for the package's users whose links work on the registry's page.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { ROOT, tarballPath } from "./helpers.mjs";

const shipped = (path) => execFileSync("tar", ["-xzOf", tarballPath(), `package/${path}`], { encoding: "utf8" });
const pkg = JSON.parse(shipped("package.json"));
const cargoToml = readFileSync(join(ROOT, "Cargo.toml"), "utf8");
const cargoField = (name) => cargoToml.match(new RegExp(`^${name}\\s*=\\s*"([^"]+)"`, "m"))?.[1];
const repository = cargoField("repository");

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchors(markdown) {
  return markdown
    .split("\n")
    .filter((l) => /^#{1,6} /.test(l))
    .map((l) => l.replace(/^#+ /, "").trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, "").replace(/ /g, "-"));
}

describe("the package as the registry shows it", () => {
  test("MIT OR Apache-2.0: both licence texts shipped, the same expression in package.json and Cargo.toml", () => {
    assert.equal(pkg.license, "MIT OR Apache-2.0");
    assert.equal(cargoField("license"), pkg.license);
    const mit = shipped("LICENSE-MIT");
    assert.match(mit, /^Copyright \(c\) \d{4} The hcp-segments authors$/m);
    assert.match(mit, /Permission is hereby granted, free of charge, to any person obtaining a copy/);
    const apache = shipped("LICENSE-APACHE");
    assert.match(apache, /Apache License\s+Version 2\.0, January 2004/);
    assert.match(apache, /END OF TERMS AND CONDITIONS/);
    assert.equal(mit, readFileSync(join(ROOT, "LICENSE-MIT"), "utf8"));
    assert.equal(apache, readFileSync(join(ROOT, "LICENSE-APACHE"), "utf8"));
  });

  test("repository, homepage and bugs name one repository, Cargo.toml's", () => {
    assert.match(repository ?? "", /^https:\/\/github\.com\/[\w.-]+\/[\w.-]+$/);
    assert.deepEqual(pkg.repository, { type: "git", url: `git+${repository}.git` });
    assert.equal(pkg.homepage, `${repository}#readme`);
    assert.deepEqual(pkg.bugs, { url: `${repository}/issues` });
  });

  test("the README is the users' one: no build commands, every link absolute and alive", () => {
    const readme = shipped("README.md");
    assert.equal(readme, readFileSync(join(ROOT, "js/README.md"), "utf8"));
    assert.doesNotMatch(readme, /\bmake (demo|test|package|setup|wasm)\b/);
    const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
    assert.ok(links.length > 5, "the README links its docs");
    for (const link of links) {
      assert.match(link, /^https:\/\//, `${link}: a relative link breaks on the registry's page`);
      if (!link.startsWith(`${repository}/`)) continue;
      const rest = link.slice(repository.length + 1);
      if (rest === "issues") continue;
      const m = rest.match(/^blob\/main\/([^#]+)(?:#(.+))?$/);
      assert.ok(m, `${link}: expected ${repository}/blob/main/<file>[#anchor]`);
      const file = join(ROOT, m[1]);
      assert.ok(existsSync(file), `${link}: ${m[1]} is not in the repository`);
      if (m[2]) assert.ok(anchors(readFileSync(file, "utf8")).includes(m[2]), `${link}: no heading #${m[2]} in ${m[1]}`);
    }
  });

  test("lint-package fails on what publint or attw finds (a package whose types are missing)", () => {
    const dir = mkdtempSync(join(tmpdir(), "hcp-lint-"));
    const broken = { name: "broken", version: "1.0.0", type: "module", exports: { ".": { types: "./index.d.ts", default: "./index.js" } } };
    writeFileSync(join(dir, "package.json"), JSON.stringify(broken));
    writeFileSync(join(dir, "index.js"), "export const x = 1;\n");
    const name = execFileSync("npm", ["pack", "--silent"], { cwd: dir, encoding: "utf8" }).trim().split("\n").pop();
    const r = spawnSync(process.execPath, [join(ROOT, "scripts/lint-package.mjs"), join(dir, name)], { encoding: "utf8" });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /publint: \d+ message/);
    assert.match(r.stderr, /attw \(every entry point, every rule\) reported problems/);
  });
});
