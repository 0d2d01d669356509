// A tiny static file server with no dependencies, for the demo page:
// serves the repository root, so the page at /www/ imports the package
// by relative path (/js/browser.mjs fetches /pkg/*.wasm).
//
//   node scripts/serve.mjs            # PORT from the environment, default 8080
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
};

/** The file under `root` that `urlPath` names, or undefined if it would leave `root`. */
function fileFor(root, urlPath) {
  let path;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  const file = resolve(root, `.${path}`);
  return file === root || file.startsWith(root + sep) ? file : undefined;
}

async function respond(root, req, res) {
  const { pathname } = new URL(req.url, 'http://localhost');
  if (pathname === '/') {
    res.writeHead(302, { location: '/www/' });
    res.end();
    return;
  }
  let file = fileFor(root, pathname);
  if (file !== undefined && (await stat(file).catch(() => undefined))?.isDirectory()) {
    if (!pathname.endsWith('/')) {
      res.writeHead(301, { location: `${pathname}/` });
      res.end();
      return;
    }
    file = join(file, 'index.html');
  }
  const body = file === undefined ? undefined : await readFile(file).catch(() => undefined);
  if (body === undefined) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('not found\n');
    return;
  }
  // no-store: a rebuilt pkg/ or an edited page is picked up on reload.
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Serves `root` on `host:port` (port 0: a free one); resolves to `{ url, close() }`. */
export function serve(root, { port = 0, host = '127.0.0.1' } = {}) {
  const dir = resolve(root);
  const server = createServer((req, res) => {
    respond(dir, req, res).catch(() => {
      res.writeHead(500);
      res.end();
    });
  });
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
      done({ url: `http://${shown}:${server.address().port}`, close: () => new Promise((closed) => server.close(closed)) });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT must be a port number, got '${process.env.PORT}'`);
    process.exit(1);
  }
  const root = fileURLToPath(new URL('..', import.meta.url));
  try {
    const { url } = await serve(root, { port, host: process.env.HOST ?? 'localhost' });
    console.log(`demo page: ${url}/www/   (Ctrl-C stops)`);
  } catch (error) {
    console.error(`cannot serve on port ${port}: ${error.message}`);
    process.exit(1);
  }
}
