import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { isSeqlmError, SeqlmError } from '@seqlm/core/errors';
import { downloadVerified } from './download.ts';
import { resolveCacheDir, resolveDataDir } from './paths.ts';
import { getCorpusEntry, type CorpusEntry } from './registry.ts';
import { sha256Hex } from './sha256.ts';

/** Where the text came from. */
export type CorpusSource = 'data-dir' | 'cache' | 'download' | 'file';

export interface LoadedCorpus {
  /** Registry name, or the file's base name for a local file. */
  name: string;
  text: string;
  path: string;
  source: CorpusSource;
  bytes: number;
  sha256: string;
  /** The registry entry, absent for a local file. */
  entry: CorpusEntry | undefined;
}

export interface LoadCorpusOptions {
  /** Read the corpus from this directory only (default: `SEQLM_DATA_DIR`, if set). */
  dataDir?: string;
  /** Cache for downloads (default: `SEQLM_CACHE_DIR`, `$XDG_CACHE_HOME/seqlm` or `~/.cache/seqlm`). */
  cacheDir?: string;
  /** When false, a corpus missing from the cache is `CORPUS_NOT_FOUND` instead of being downloaded. Default true. */
  download?: boolean;
  /** Download timeout in milliseconds. */
  timeoutMs?: number;
  /** Environment to read the variables from (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Called just before a download starts, e.g. to tell the user. */
  onDownload?: (url: string, dest: string) => void;
}

/**
 * Loads a registry corpus, checking its sha256 wherever it comes from:
 * 1. a data directory, when one is given (option or `SEQLM_DATA_DIR`): the
 *    file must be there, with the right hash;
 * 2. otherwise the cache directory, if a verified copy is there;
 * 3. otherwise a download from the entry's URL into the cache (once).
 * Pass a `CorpusEntry` instead of a name to load a corpus the registry does not list.
 */
export async function loadCorpus(corpus: string | CorpusEntry, options: LoadCorpusOptions = {}): Promise<LoadedCorpus> {
  const entry = typeof corpus === 'string' ? getCorpusEntry(corpus) : corpus;
  const env = options.env ?? process.env;
  const dataDir = resolveDataDir(options.dataDir, env);
  if (dataDir !== undefined) {
    const path = join(dataDir, entry.fileName);
    const data = await readIfExists(path);
    if (data === undefined) {
      throw new SeqlmError('CORPUS_NOT_FOUND', `corpus "${entry.name}" not found: no ${entry.fileName} in data directory ${dataDir}`, {
        name: entry.name,
        path,
      });
    }
    checkHash(entry, path, data);
    return loaded(entry, path, 'data-dir', data);
  }

  const cacheDir = resolveCacheDir(options.cacheDir, env);
  const path = join(cacheDir, entry.fileName);
  const cached = await readIfExists(path);
  // A cached copy with the wrong hash (truncated by hand, an older upstream file) is replaced by a fresh download.
  if (cached !== undefined && sha256Hex(cached) === entry.sha256) return loaded(entry, path, 'cache', cached);
  if (options.download === false) {
    throw new SeqlmError('CORPUS_NOT_FOUND', `corpus "${entry.name}" is not in the cache ${cacheDir} and downloads are off; ${withoutDownload(entry)}`, {
      name: entry.name,
      path,
    });
  }
  options.onDownload?.(entry.url, path);
  try {
    await downloadVerified(entry.url, path, { sha256: entry.sha256, maxBytes: entry.bytes, timeoutMs: options.timeoutMs });
  } catch (error) {
    if (!isSeqlmError(error) || error.code !== 'DOWNLOAD_FAILED') throw error;
    throw new SeqlmError(error.code, `${error.message}; ${withoutDownload(entry)}`, error.details === undefined ? undefined : { ...error.details }, { cause: error });
  }
  const data = await readIfExists(path);
  if (data === undefined) throw new SeqlmError('IO_ERROR', `downloaded ${path} but cannot read it back`, { path });
  checkHash(entry, path, data);
  return loaded(entry, path, 'download', data);
}

/** The way out when a corpus cannot be downloaded (no internet, `--offline`, `npm start` on a closed network). */
function withoutDownload(entry: CorpusEntry): string {
  return `without internet, set SEQLM_DATA_DIR (or --data-dir) to a directory holding ${entry.fileName}, or train on any text file with --corpus-file`;
}

/** Loads a local text file as a corpus (no hash to check). */
export async function loadCorpusFile(file: string): Promise<LoadedCorpus> {
  const path = resolve(file);
  const data = await readIfExists(path);
  if (data === undefined) throw new SeqlmError('CORPUS_NOT_FOUND', `corpus file not found: ${path}`, { path });
  return corpusFromBytes(basename(path), path, data);
}

/** A corpus read by the caller (standard input, say), named `name`; `path` only labels messages. */
export function corpusFromBytes(name: string, path: string, data: Uint8Array): LoadedCorpus {
  return { name, text: decodeUtf8(data, path), path, source: 'file', bytes: data.byteLength, sha256: sha256Hex(data), entry: undefined };
}

/** Throws `HASH_MISMATCH`, naming the file and both hashes, unless `data` is the registered file. */
function checkHash(entry: CorpusEntry, path: string, data: Uint8Array): void {
  const actual = sha256Hex(data);
  if (actual !== entry.sha256) {
    throw new SeqlmError('HASH_MISMATCH', `${path} is not the expected "${entry.name}" corpus: sha256 expected ${entry.sha256}, got ${actual}`, {
      path,
      expected: entry.sha256,
      actual,
    });
  }
}

function loaded(entry: CorpusEntry, path: string, source: CorpusSource, data: Uint8Array): LoadedCorpus {
  return { name: entry.name, text: decodeUtf8(data, path), path, source, bytes: data.byteLength, sha256: entry.sha256, entry };
}

async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'EISDIR') throw new SeqlmError('IO_ERROR', `${path} is a directory, not a corpus file`, { path }, { cause: error });
    throw new SeqlmError('IO_ERROR', `cannot read ${path}: ${(error as Error).message}`, { path }, { cause: error });
  }
}

function decodeUtf8(data: Uint8Array, path: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch (error) {
    throw new SeqlmError('INVALID_ARGUMENT', `${path} is not UTF-8 text`, { path }, { cause: error });
  }
}
