// Helpers shared by this package's tests (excluded from the build by the `.test-util.ts` suffix).
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** packages/train */
export const packageRoot = resolve(import.meta.dirname, '..');
export const repoRoot = resolve(packageRoot, '..', '..');
/** The read-only corpora: `SEQLM_DATA_DIR`, else `<repo>/../shared/data`. */
export const sharedDataDir = process.env['SEQLM_DATA_DIR'] || resolve(repoRoot, '..', 'shared', 'data');

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Deterministic text of roughly `lines * 30` bytes, standing in for a corpus. */
export function generatedText(lines = 4000): string {
  return Array.from({ length: lines }, (_, i) => `line ${i}: the time traveller ${i % 7}\n`).join('');
}

export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'seqlm-train-test-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface TestServer {
  url(path: string): string;
  /** Requests received so far. */
  readonly requests: string[];
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 (random port) for the download tests. */
export async function startServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<TestServer> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    handler(req, res);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** Serves `files` by path; other paths get 404. */
export function serveFiles(files: Record<string, string | Uint8Array>): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const body = files[req.url ?? ''];
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) }).end(body);
  };
}
