import { defineConfig } from "vite";

export default defineConfig({
  // Keep the package out of dependency pre-bundling in `vite dev`: pre-bundling moves the JS
  // away from its worker and .wasm files, and `new URL("…", import.meta.url)` would miss them.
  optimizeDeps: { exclude: ["hcp-segments"] },
  // The package's worker is an ES module worker.
  worker: { format: "es" },
});
