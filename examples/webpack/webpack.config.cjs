// webpack 5 needs nothing special: it bundles `new Worker(new URL("./worker.js", import.meta.url))`
// as a worker chunk and emits `new URL("hcp_segments_bg.wasm", import.meta.url)` as an asset.
const path = require("node:path");

module.exports = {
  entry: "./src/main.js",
  output: { path: path.resolve(__dirname, "dist"), filename: "main.js", clean: false },
  performance: { hints: false },
};
