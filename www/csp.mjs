// The Content-Security-Policy of the page, in one place: vite.config.js puts the document's
// policy into the built index.html as a <meta>, serve.mjs sends the worker's policy as a header.
//
// The document never connects anywhere (connect-src 'none'). The engine's module worker is a
// separate script; a worker loaded from a same-origin URL gets the policy of its own HTTP response
// (not the page's <meta>), and it must fetch the engine's .wasm from this origin and compile it:
// hence connect-src 'self' and 'wasm-unsafe-eval' there. Everything else is 'none' or 'self'.
const common = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
];

/** Policy of the HTML document (as a <meta>; frame-ancestors is not allowed in a meta). */
export const documentPolicy = [...common, "connect-src 'none'"].join('; ');

/** Policy sent as an HTTP header with every file: the worker's policy comes from this header. */
export const headerPolicy = [...common, "connect-src 'self'", "frame-ancestors 'none'"].join('; ');

/** Header for HTML responses: the document's policy (frame-ancestors only works as a header). */
export const documentHeaderPolicy = `${documentPolicy}; frame-ancestors 'none'`;
