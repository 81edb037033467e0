// Serves the demo on localhost: www/ at /, the built package at /pkg/.
// Usage: node scripts/serve.mjs [port]   (default 8080, or the next free one)
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const demoMounts = [['/pkg/', join(root, 'pkg')], ['/', join(root, 'www')]];
const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
};

/** The file a URL path names, or null when it would leave its mount. */
export function fileFor(urlPath, mounts = demoMounts) {
  const path = decodeURIComponent(urlPath.split('?')[0]);
  for (const [prefix, dir] of mounts) {
    if (!path.startsWith(prefix)) continue;
    const rest = path.slice(prefix.length) || 'index.html';
    const file = normalize(join(dir, rest.endsWith('/') ? `${rest}index.html` : rest));
    return file === dir || file.startsWith(dir + sep) ? file : null;
  }
  return null;
}

/** Answers a GET or HEAD with the file of `mounts` its URL names (404 when none). */
export async function sendFile(req, res, mounts = demoMounts) {
  let file = null;
  try {
    file = fileFor(req.url ?? '/', mounts);
  } catch {
    // malformed percent-encoding: answered as not found below
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  try {
    if (!file) throw new Error('outside');
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  }
}

/** Serves `mounts` ([URL prefix, directory] pairs; the demo's by default) on 127.0.0.1. */
export function serve(port, mounts = demoMounts) {
  const server = createServer((req, res) => sendFile(req, res, mounts));
  return new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolveListen(server));
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let port = Number(process.argv[2] ?? process.env.PORT ?? 8080);
  for (let tries = 0; ; tries++) {
    try {
      const server = await serve(port);
      console.log(`seriesguard demo: http://localhost:${server.address().port}/  (Ctrl+C to stop)`);
      break;
    } catch (error) {
      if (error.code !== 'EADDRINUSE' || tries >= 20) throw error;
      port += 1;
    }
  }
}
