import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SeqlmError } from '@seqlm/core/errors';
import { downloadVerified } from './download.ts';
import { generatedText, serveFiles, sha256, startServer, withTempDir, type TestServer } from '../testing.test-util.ts';

const body = generatedText();
const goodHash = sha256(body);
let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function failure(promise: Promise<unknown>): Promise<SeqlmError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SeqlmError);
  return error as SeqlmError;
}

describe('downloadVerified', () => {
  it('saves a file whose hash matches and leaves no temporary file', async () => {
    server = await startServer(serveFiles({ '/corpus.txt': body }));
    await withTempDir(async (dir) => {
      const dest = join(dir, 'cache', 'corpus.txt');
      const result = await downloadVerified(server!.url('/corpus.txt'), dest, { sha256: goodHash, maxBytes: Buffer.byteLength(body) });
      expect(result).toEqual({ path: dest, bytes: Buffer.byteLength(body), sha256: goodHash });
      expect(await readFile(dest, 'utf8')).toBe(body);
      expect(await readdir(join(dir, 'cache'))).toEqual(['corpus.txt']);
    });
  });

  it('refuses a file with the wrong hash, naming both hashes, and keeps nothing', async () => {
    server = await startServer(serveFiles({ '/corpus.txt': body }));
    await withTempDir(async (dir) => {
      const expected = sha256('something else');
      const error = await failure(downloadVerified(server!.url('/corpus.txt'), join(dir, 'corpus.txt'), { sha256: expected }));
      expect(error.code).toBe('HASH_MISMATCH');
      expect(error.message).toContain(expected);
      expect(error.message).toContain(goodHash);
      expect(await readdir(dir)).toEqual([]);
    });
  });

  it('reports an HTTP 404 as DOWNLOAD_FAILED and keeps nothing', async () => {
    server = await startServer(serveFiles({}));
    await withTempDir(async (dir) => {
      const error = await failure(downloadVerified(server!.url('/missing.txt'), join(dir, 'corpus.txt'), { sha256: goodHash }));
      expect(error.code).toBe('DOWNLOAD_FAILED');
      expect(error.message).toContain('404');
      expect(await readdir(dir)).toEqual([]);
    });
  });

  it('reports a connection dropped halfway and keeps nothing', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-length': Buffer.byteLength(body) });
      res.write(body.slice(0, body.length / 2), () => res.socket?.destroy());
    });
    await withTempDir(async (dir) => {
      const error = await failure(downloadVerified(server!.url('/corpus.txt'), join(dir, 'corpus.txt'), { sha256: goodHash }));
      expect(error.code).toBe('DOWNLOAD_FAILED');
      expect(await readdir(dir)).toEqual([]);
    });
  });

  it('times out on a server that stops sending and keeps nothing', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-length': Buffer.byteLength(body) });
      res.write(body.slice(0, 100));
    });
    await withTempDir(async (dir) => {
      const error = await failure(downloadVerified(server!.url('/corpus.txt'), join(dir, 'corpus.txt'), { sha256: goodHash, timeoutMs: 300 }));
      expect(error.code).toBe('DOWNLOAD_FAILED');
      expect(error.message).toContain('timed out');
      expect(await readdir(dir)).toEqual([]);
    });
  });

  it('stops a response larger than the expected size', async () => {
    server = await startServer((_req, res) => {
      // No content-length: the limit must be enforced while streaming.
      res.writeHead(200);
      res.end(body);
    });
    await withTempDir(async (dir) => {
      const error = await failure(downloadVerified(server!.url('/corpus.txt'), join(dir, 'corpus.txt'), { sha256: goodHash, maxBytes: 1000 }));
      expect(error.code).toBe('DOWNLOAD_FAILED');
      expect(error.message).toContain('1000');
      expect(await readdir(dir)).toEqual([]);
    });
  });

  it('reports a refused connection as DOWNLOAD_FAILED', async () => {
    const closed = await startServer(serveFiles({}));
    const url = closed.url('/corpus.txt');
    await closed.close();
    await withTempDir(async (dir) => {
      const error = await failure(downloadVerified(url, join(dir, 'corpus.txt'), { sha256: goodHash }));
      expect(error.code).toBe('DOWNLOAD_FAILED');
      expect(error.message).toContain(url);
    });
  });

  it('leaves an existing destination untouched when the download fails', async () => {
    server = await startServer(serveFiles({ '/corpus.txt': body }));
    await withTempDir(async (dir) => {
      const dest = join(dir, 'corpus.txt');
      await writeFile(dest, 'previous contents');
      await failure(downloadVerified(server!.url('/corpus.txt'), dest, { sha256: sha256('other') }));
      expect(await readFile(dest, 'utf8')).toBe('previous contents');
      expect(await readdir(dir)).toEqual(['corpus.txt']);
    });
  });
});
