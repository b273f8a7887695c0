// hcp-segments for Node (ES modules): the same instance as the CommonJS entry, so `import` and
// `require` in one process share one wasm module.
import api from "./index.cjs";

export const { segment, assign, kmeans, generateSample, version, init, initSync } = api;
export default api;
