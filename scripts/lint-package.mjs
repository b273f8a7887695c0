// The packed tarball as the registry and TypeScript see it: publint (package.json, exports map,
// files) and @arethetypeswrong/cli (the types each condition resolves to). Every message fails,
// suggestions included. Offline: both read the tarball only (attw's look-up of @types on the
// registry is turned off: the package ships its own types).
//
//   node scripts/lint-package.mjs [dist/hcp-segments-<version>.tgz]
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { publint } from "publint";
import { formatMessage } from "publint/utils";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const version = readFileSync(join(ROOT, "Cargo.toml"), "utf8").match(/^version\s*=\s*"([^"]+)"/m)[1];
const tarball = resolve(process.argv[2] ?? join(ROOT, "dist", `hcp-segments-${version}.tgz`));
const ATTW = join(ROOT, "node_modules", ".bin", "attw");

// Subpaths that are files to serve, not modules: TypeScript resolves no module to a .wasm, so
// attw can only report them unresolved. They are there for hosts that fetch the wasm themselves
// (init(url), createSegmenter({ wasmUrl })), and a bundler's asset import (`?url`) types them.
const ASSETS = ["./hcp_segments_bg.wasm", "./hcp_segments_tools_bg.wasm", "./hcp_segments_workbooks_bg.wasm"];

// Subpaths meant for ES modules only, checked without attw's cjs-resolves-to-esm rule while
// their exports entry has no "require" condition: `hcp-segments/web` is the browser build,
// which locates its wasm with `import.meta.url`, something a CommonJS module does not have
// (CommonJS code in Node gets the same functions from `require("hcp-segments")`);
// `hcp-segments/worker` is an ES module as long as its entry has no "require" condition, and is
// checked under every rule once it has one.
const ESM_ONLY = ["./web", "./worker"];

let failed = false;

// --- publint -----------------------------------------------------------------------------------
const data = readFileSync(tarball);
const tarballBytes = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
const { messages, pkg } = await publint({ pack: { tarball: tarballBytes }, level: "suggestion", strict: true });
if (messages.length > 0) {
  failed = true;
  console.error(`[lint-package] publint: ${messages.length} message(s) on ${tarball}`);
  for (const m of messages) console.error(`  ${m.type}: ${formatMessage(m, pkg, { color: false })}`);
} else {
  console.log("[lint-package] publint: nothing reported");
}

// --- attw ------------------------------------------------------------------------------------
const hasRequire = (entry) => JSON.stringify(entry ?? {}).includes('"require"');
const esmOnly = ESM_ONLY.filter((sub) => pkg.exports?.[sub] && !hasRequire(pkg.exports[sub]));

function attw(label, args) {
  const r = spawnSync(ATTW, [tarball, "--no-definitely-typed", "--format", "ascii", "--no-color", ...args], {
    encoding: "utf8",
  });
  if (r.error) throw r.error;
  // attw exits 0 on a package without any types; for this package that is a failure.
  if (r.status !== 0 || /does not contain types/.test(r.stdout)) {
    failed = true;
    console.error(`[lint-package] attw (${label}) reported problems:\n${r.stdout}${r.stderr}`);
  } else {
    console.log(`[lint-package] attw (${label}): nothing reported`);
  }
}

attw("every entry point, every rule", ["--exclude-entrypoints", ...ASSETS, ...esmOnly]);
if (esmOnly.length > 0) {
  attw(`${esmOnly.join(", ")}: ES modules only`, ["--entrypoints", ...esmOnly, "--ignore-rules", "cjs-resolves-to-esm"]);
}

if (failed) process.exit(1);
