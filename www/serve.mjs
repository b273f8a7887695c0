#!/usr/bin/env node
// A tiny static server for the built page (www/dist), on 127.0.0.1 only. It sends the strict
// Content-Security-Policy as a header with every file: the page's <meta> policy covers the
// document, and this header is what the engine's module worker runs under (a worker loaded from a
// same-origin URL takes the policy of its own response). No dependencies; no logging of requests.
//
//   node www/serve.mjs [--dir www/dist] [--port 4173]      (--port 0 picks a free port)
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { headerPolicy, documentHeaderPolicy } from './csp.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
};

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.wasm': 'application/wasm', '.json': 'application/json', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.ico': 'image/x-icon', '.txt': 'text/plain; charset=utf-8', '.map': 'application/json',
};

/** Start serving `dir`; resolves to {server, url}. */
export function serve({ dir = join(here, 'dist'), port = 4173, host = '127.0.0.1' } = {}) {
  const root = resolve(dir);
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://x');
      let path = normalize(join(root, decodeURIComponent(url.pathname)));
      if (path !== root && !path.startsWith(root + sep)) { res.writeHead(403).end(); return; }
      let st = await stat(path).catch(() => null);
      if (st?.isDirectory()) { path = join(path, 'index.html'); st = await stat(path).catch(() => null); }
      if (!st) { res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found'); return; }
      const body = await readFile(path);
      res.writeHead(200, {
        'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream',
        'Content-Length': body.length,
        'Content-Security-Policy': extname(path) === '.html' ? documentHeaderPolicy : headerPolicy,
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cache-Control': 'no-cache',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (e) {
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end(String(e?.message ?? e));
    }
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(Number(port), host, () => ok({ server, url: `http://${host}:${server.address().port}/` }));
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { url } = await serve({ dir: arg('dir', join(here, 'dist')), port: arg('port', process.env.PORT ?? 4173) });
  console.log(`hcp-segments page: ${url}`);
}
