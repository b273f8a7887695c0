// hcp-segments for Node (ES modules): the same instance as the CommonJS entry, so `import` and
// `require` in one process share one wasm module. The named exports below are appended by
// scripts/build-wasm.sh from the wasm-bindgen output (ESM needs them spelled out).
import api from "./index.cjs";

export default api;
export const { init, initSync, initTools, initToolsSync, initWorkbooks, initWorkbooksSync } = api;
