// Copy the package's web/ and worker/ folders into dist/hcp-segments/ as static files (the
// worker imports ../web/index.js, so the two stay siblings), and the page into dist/.
import { cpSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";

const pkg = dirname(createRequire(import.meta.url).resolve("hcp-segments/package.json"));
mkdirSync("dist/hcp-segments", { recursive: true });
for (const folder of ["web", "worker"]) cpSync(join(pkg, folder), join("dist/hcp-segments", folder), { recursive: true });
cpSync("index.html", "dist/index.html");
