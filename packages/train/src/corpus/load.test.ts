import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SeqlmError } from '@seqlm/core/errors';
import { loadCorpus, loadCorpusFile } from './load.ts';
import { CORPORA, type CorpusEntry } from './registry.ts';
import { generatedText, serveFiles, sha256, sharedDataDir, startServer, withTempDir, type TestServer } from '../testing.test-util.ts';

const text = generatedText(500);
let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

function entryFor(content: string, url = 'http://127.0.0.1:9/unused.txt'): CorpusEntry {
  return {
    name: 'generated',
    fileName: 'generated.txt',
    bytes: Buffer.byteLength(content),
    sha256: sha256(content),
    url,
    defaultNormalization: 'raw',
    description: 'generated for a test',
  };
}

async function failure(promise: Promise<unknown>): Promise<SeqlmError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SeqlmError);
  return error as SeqlmError;
}

/** No data directory from the developer's environment leaks into these tests. */
const noEnv = {};

describe('loadCorpus from a data directory', () => {
  it('reads a file whose hash matches', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'generated.txt'), text);
      const corpus = await loadCorpus(entryFor(text), { dataDir: dir, env: noEnv });
      expect(corpus).toMatchObject({ name: 'generated', text, source: 'data-dir', path: join(dir, 'generated.txt'), bytes: Buffer.byteLength(text) });
    });
  });

  it('takes the directory from SEQLM_DATA_DIR', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'generated.txt'), text);
      const corpus = await loadCorpus(entryFor(text), { env: { SEQLM_DATA_DIR: dir } });
      expect(corpus.source).toBe('data-dir');
      expect(corpus.text).toBe(text);
    });
  });

  it('refuses a file with the wrong hash, naming the file and both hashes', async () => {
    await withTempDir(async (dir) => {
      const tampered = `${text.slice(0, -2)}!\n`;
      await writeFile(join(dir, 'generated.txt'), tampered);
      const error = await failure(loadCorpus(entryFor(text), { dataDir: dir, env: noEnv }));
      expect(error.code).toBe('HASH_MISMATCH');
      expect(error.message).toContain(join(dir, 'generated.txt'));
      expect(error.message).toContain(sha256(text));
      expect(error.message).toContain(sha256(tampered));
    });
  });

  it('reports a file missing from the data directory without trying the network', async () => {
    await withTempDir(async (dir) => {
      const error = await failure(loadCorpus(entryFor(text), { dataDir: dir, env: noEnv }));
      expect(error.code).toBe('CORPUS_NOT_FOUND');
      expect(error.message).toContain(dir);
    });
  });

  it('refuses a name that is not in the registry', async () => {
    const error = await failure(loadCorpus('no-such-corpus', { env: noEnv }));
    expect(error.code).toBe('CORPUS_UNKNOWN');
    expect(error.message).toContain('timemachine');
  });
});

describe('loadCorpus through the cache', () => {
  it('downloads once into the cache, then reads the cached copy', async () => {
    server = await startServer(serveFiles({ '/generated.txt': text }));
    await withTempDir(async (cacheDir) => {
      const entry = entryFor(text, server!.url('/generated.txt'));
      const announced: string[] = [];
      const first = await loadCorpus(entry, { cacheDir, env: noEnv, onDownload: (url) => announced.push(url) });
      expect(first).toMatchObject({ source: 'download', text, path: join(cacheDir, 'generated.txt') });
      const second = await loadCorpus(entry, { cacheDir, env: noEnv });
      expect(second).toMatchObject({ source: 'cache', text });
      expect(server!.requests).toEqual(['/generated.txt']);
      expect(announced).toEqual([entry.url]);
      expect(await readdir(cacheDir)).toEqual(['generated.txt']);
    });
  });

  it('takes the cache directory from SEQLM_CACHE_DIR', async () => {
    server = await startServer(serveFiles({ '/generated.txt': text }));
    await withTempDir(async (cacheDir) => {
      const corpus = await loadCorpus(entryFor(text, server!.url('/generated.txt')), { env: { SEQLM_CACHE_DIR: cacheDir } });
      expect(corpus.path).toBe(join(cacheDir, 'generated.txt'));
      expect(await readFile(corpus.path, 'utf8')).toBe(text);
    });
  });

  it('replaces a corrupted cached copy with a fresh download', async () => {
    server = await startServer(serveFiles({ '/generated.txt': text }));
    await withTempDir(async (cacheDir) => {
      await writeFile(join(cacheDir, 'generated.txt'), text.slice(0, 100));
      const corpus = await loadCorpus(entryFor(text, server!.url('/generated.txt')), { cacheDir, env: noEnv });
      expect(corpus.source).toBe('download');
      expect(await readFile(join(cacheDir, 'generated.txt'), 'utf8')).toBe(text);
    });
  });

  it('keeps nothing in the cache when the server sends the wrong file', async () => {
    server = await startServer(serveFiles({ '/generated.txt': text.toUpperCase() }));
    await withTempDir(async (cacheDir) => {
      const error = await failure(loadCorpus(entryFor(text, server!.url('/generated.txt')), { cacheDir, env: noEnv }));
      expect(error.code).toBe('HASH_MISMATCH');
      expect(await readdir(cacheDir)).toEqual([]);
    });
  });

  it('keeps nothing in the cache after a 404', async () => {
    server = await startServer(serveFiles({}));
    await withTempDir(async (cacheDir) => {
      const error = await failure(loadCorpus(entryFor(text, server!.url('/generated.txt')), { cacheDir, env: noEnv }));
      expect(error.code).toBe('DOWNLOAD_FAILED');
      // `npm start` on a closed network shows this line: it must name the ways around the download.
      expect(error.message).toMatch(/ failed: .*; without internet, set SEQLM_DATA_DIR \(or --data-dir\) to a directory holding .+, or train on any text file with --corpus-file$/);
      expect(await readdir(cacheDir)).toEqual([]);
    });
  });

  it('does not download when downloads are off', async () => {
    server = await startServer(serveFiles({ '/generated.txt': text }));
    await withTempDir(async (cacheDir) => {
      const error = await failure(loadCorpus(entryFor(text, server!.url('/generated.txt')), { cacheDir, env: noEnv, download: false }));
      expect(error.code).toBe('CORPUS_NOT_FOUND');
      expect(server!.requests).toEqual([]);
    });
  });
});

describe('loadCorpusFile', () => {
  it('reads a local text file', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'notes.txt');
      await writeFile(path, 'héllo wörld\n');
      const corpus = await loadCorpusFile(path);
      expect(corpus).toMatchObject({ name: 'notes.txt', text: 'héllo wörld\n', source: 'file', bytes: 14, sha256: sha256('héllo wörld\n') });
    });
  });

  it('reports a missing file and a file that is not UTF-8', async () => {
    await withTempDir(async (dir) => {
      expect((await failure(loadCorpusFile(join(dir, 'missing.txt')))).code).toBe('CORPUS_NOT_FOUND');
      await writeFile(join(dir, 'binary.bin'), new Uint8Array([0x66, 0xff, 0xfe, 0x00]));
      expect((await failure(loadCorpusFile(join(dir, 'binary.bin')))).code).toBe('INVALID_ARGUMENT');
      await mkdir(join(dir, 'folder'));
      expect((await failure(loadCorpusFile(join(dir, 'folder')))).code).toBe('IO_ERROR');
    });
  });
});

describe('the real corpora (SEQLM_DATA_DIR or <repo>/../shared/data)', () => {
  it('loads The Time Machine with its registered size and hash', async () => {
    const corpus = await loadCorpus('timemachine', { dataDir: sharedDataDir, env: noEnv });
    expect(corpus.source).toBe('data-dir');
    expect(corpus.bytes).toBe(CORPORA.timemachine.bytes);
    expect(sha256(await readFile(corpus.path))).toBe(CORPORA.timemachine.sha256);
    expect(corpus.text).toContain('The Time Traveller');
  });

  it('loads Tiny Shakespeare with its registered size and hash', async () => {
    const corpus = await loadCorpus('tinyshakespeare', { dataDir: sharedDataDir, env: noEnv });
    expect(corpus.bytes).toBe(CORPORA.tinyshakespeare.bytes);
    expect(corpus.text.startsWith('First Citizen:')).toBe(true);
  });
});
