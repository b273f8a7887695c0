import { defineConfig } from 'vite';
import { documentPolicy } from './csp.mjs';

/** Adds the strict CSP <meta> to the built page only (the dev server injects inline styles and a websocket). */
function cspMeta() {
  return {
    name: 'hcp-csp-meta',
    apply: 'build',
    transformIndexHtml(html) {
      return html.replace(
        '<meta charset="utf-8">',
        `<meta charset="utf-8">\n  <meta http-equiv="Content-Security-Policy" content="${documentPolicy}">`,
      );
    },
  };
}

export default defineConfig({
  base: './',
  plugins: [cspMeta()],
  // The package loads its worker and .wasm with new URL(..., import.meta.url): pre-bundling would break those URLs.
  optimizeDeps: { exclude: ['hcp-segments'] },
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Never inline the .wasm (or anything else) as a data: URL: the CSP allows 'self' only.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: { host: '127.0.0.1', fs: { allow: ['..'] } },
  preview: { host: '127.0.0.1' },
});
