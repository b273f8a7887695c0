// Rollup with node-resolve only (to find the package in node_modules): no wasm or worker
// plugin. The package's files are copied beside the bundle (copy-package.mjs).
import { nodeResolve } from "@rollup/plugin-node-resolve";

export default {
  input: "src/main.js",
  output: { dir: "dist", format: "es", entryFileNames: "main.js" },
  plugins: [nodeResolve({ browser: true })],
};
