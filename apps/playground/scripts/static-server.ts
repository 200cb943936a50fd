/**
 * The static file server `npm start` runs the built playground with (and the
 * browser tests and the benchmark, as a "plain static host" with compression
 * and caching switched off). It serves what `vite build` left in dist/:
 *
 * - precompressed `<file>.br` / `<file>.gz` written at build time (see
 *   precompress.ts) when the request accepts them, with `Content-Encoding`
 *   and `Vary: Accept-Encoding`; nothing is compressed per request;
 * - hashed files under `assets/` as immutable, everything else (the page,
 *   models/) with `no-cache` and an ETag, so a rebuilt site is seen at once;
 * - only files inside `root` (no `..`, no symlinks out), GET and HEAD.
 *
 * Every answer is logged in `log` (path, status, bytes of body sent), which the
 * tests and the benchmark read to count requests and transferred bytes.
 */
import { createReadStream, existsSync, realpathSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  // WebAssembly.instantiateStreaming insists on this type.
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticServerOptions {
  /** Serve `.br`/`.gz` siblings when the client accepts them (default true). */
  precompressed?: boolean;
  /** `immutable` for hashed assets, `no-cache` + ETag elsewhere (default true); false sends no caching headers at all. */
  caching?: boolean;
  /** Adds `Vary: Origin` to every answer, as `vite preview` does, to test that the service worker copes. */
  varyOrigin?: boolean;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
}

export interface LogEntry {
  path: string;
  status: number;
  /** Bytes of body sent (compressed size when compressed). */
  bytes: number;
  encoding: 'br' | 'gzip' | null;
}

export interface StaticServer {
  url: string;
  log: LogEntry[];
  close(): Promise<void>;
}

/** Which precompressed sibling to send for an `Accept-Encoding` header, by preference. */
export function pickEncoding(acceptEncoding: string | undefined, available: { br: boolean; gzip: boolean }): 'br' | 'gzip' | null {
  const accepted = new Map<string, number>();
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    accepted.set(name, q === undefined ? 1 : Number(q.slice(2)) || 0);
  }
  const ok = (name: string) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
  if (available.br && ok('br')) return 'br';
  if (available.gzip && ok('gzip')) return 'gzip';
  return null;
}

function resolveFile(root: string, urlPath: string): string | null {
  let path: string;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  let file = normalize(join(root, path));
  if (!file.startsWith(root + sep) && file !== root) return null;
  try {
    if (statSync(file).isDirectory()) file = join(file, 'index.html');
    const real = realpathSync(file);
    return real.startsWith(root + sep) ? real : null;
  } catch {
    return null;
  }
}

export async function serveStatic(rootDir: string, options: StaticServerOptions = {}): Promise<StaticServer> {
  const { precompressed = true, caching = true, varyOrigin = false, host = '127.0.0.1', port = 0 } = options;
  const root = realpathSync(rootDir);
  const log: LogEntry[] = [];

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const done = (status: number, bytes: number, encoding: LogEntry['encoding'] = null) => log.push({ path, status, bytes, encoding });
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      done(405, 0);
      return;
    }
    const file = resolveFile(root, path);
    if (file === null) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      done(404, 9);
      return;
    }
    const stat = statSync(file);
    const headers: Record<string, string | number> = { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' };
    const vary: string[] = varyOrigin ? ['Origin'] : [];
    let body = file;
    let encoding: LogEntry['encoding'] = null;
    if (precompressed) {
      encoding = pickEncoding(req.headers['accept-encoding'], { br: existsSync(`${file}.br`), gzip: existsSync(`${file}.gz`) });
      if (encoding !== null) {
        body = `${file}.${encoding === 'br' ? 'br' : 'gz'}`;
        headers['content-encoding'] = encoding;
      }
      // Whether or not this answer is compressed, another client may get a different one.
      if (existsSync(`${file}.br`) || existsSync(`${file}.gz`)) vary.push('Accept-Encoding');
    }
    if (vary.length > 0) headers.vary = vary.join(', ');
    if (caching) {
      // Vite puts a content hash in every name under assets/: such a file never changes.
      const hashed = path.includes('/assets/');
      headers['cache-control'] = hashed ? 'public, max-age=31536000, immutable' : 'no-cache';
      const etag = `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}${encoding ? `-${encoding}` : ''}"`;
      headers.etag = etag;
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, headers).end();
        done(304, 0, encoding);
        return;
      }
    }
    const size = statSync(body).size;
    headers['content-length'] = size;
    res.writeHead(200, headers);
    if (req.method === 'HEAD') {
      res.end();
      done(200, 0, encoding);
      return;
    }
    createReadStream(body).pipe(res);
    done(200, size, encoding);
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the static server has no port');
  return {
    url: `http://${host}:${address.port}/`,
    log,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
