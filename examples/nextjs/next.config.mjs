// The server loads the package from node_modules (its Node build reads its .wasm files beside
// its JS) instead of bundling it; the client bundle takes the worker and wasm as assets.
export default {
  serverExternalPackages: ["hcp-segments"],
};
