import { SeqlmError, isSeqlmError } from '../errors/index.ts';
import { findFile, parseManifest, sha256Hex, verifyFile, type LanguageManifest, type Manifest, type MixtureManifest, type ModelKind, type NeuralManifest } from '../manifest/index.ts';
import type { GraphSession } from './graph-session.ts';
import { NeuralLm } from './graph-session.ts';
import type { LanguageModel } from './language-model.ts';
import { MixtureLm } from './mixture-lm.ts';
import { NgramLm } from './ngram-lm.ts';
import { platform } from '../platform.ts';
import { RnnLm } from './rnn-lm.ts';

export const MANIFEST_FILE = 'manifest.json';

/** Reads a file; `location` is the model directory joined with a manifest path. */
export type ReadFile = (location: string) => Promise<Uint8Array>;

export interface LoadModelOptions {
  /**
   * Reads the bytes at a location (a URL or a path, as `location` was given).
   * Default: `fetch` (browsers, Workers, Node); @seqlm/train has a file-system one.
   */
  readFile?: ReadFile;
  /**
   * Creates an inference session for ONNX bytes (onnxruntime-web/-node behind a
   * small adapter). Without it, neural models run on core's own forward pass
   * from their weights container.
   */
  createSession?: (onnx: Uint8Array, manifest: NeuralManifest) => Promise<GraphSession>;
  /** The model's id; default the directory's last segment. */
  id?: string;
  /**
   * Check each file's size and sha256 against the manifest (default true).
   * Turn it off only for bytes already checked (a bundle verified at build time).
   */
  verify?: boolean;
  /** Calls with bytes read so far, for progress bars. */
  onRead?: (location: string, bytes: number) => void;
  /**
   * The kinds the caller can use (default: all). A model directory of another
   * kind is refused (`UNSUPPORTED`, `details.kind`) before any of its model files is read.
   */
  kinds?: readonly ModelKind[];
  /** The sha256 (lowercase hex) that checks each file; default core's portable one. Node's `node:crypto` is several times faster on large files. */
  sha256Hex?: (bytes: Uint8Array) => string;
}

/** `dir` + `path` for a URL (resolved as URLs are) or a `/`-separated path (`..` folded). */
export function resolveLocation(dir: string, path: string): string {
  const base = dir.endsWith('/') ? dir : `${dir}/`;
  if (/^[a-z][a-z0-9+.-]*:/i.test(base)) return new platform.URL(path, base).href;
  const parts: string[] = [];
  for (const part of `${base}${path}`.split('/')) {
    if (part === '..' && parts.length > 0 && parts.at(-1) !== '..' && parts.at(-1) !== '') parts.pop();
    else if (part !== '.' && !(part === '' && parts.length > 0)) parts.push(part);
  }
  return parts.join('/') || '.';
}

/** The last path segment of a directory location: the default model id. */
function lastSegment(location: string): string {
  const parts = location.replace(/\/+$/, '').split('/');
  return decodeURIComponent(parts.at(-1) ?? location);
}

const fetchFile: ReadFile = async (location) => {
  if (platform.fetch === undefined) throw new SeqlmError('UNSUPPORTED', `no fetch() here to read ${location}: pass readFile`);
  let res: Awaited<ReturnType<NonNullable<typeof platform.fetch>>>;
  try {
    res = await platform.fetch(location);
  } catch (error) {
    throw new SeqlmError('DOWNLOAD_FAILED', `could not download ${location}: ${error instanceof Error ? error.message : String(error)}`, { location }, { cause: error });
  }
  if (!res.ok) throw new SeqlmError('DOWNLOAD_FAILED', `could not download ${location}: HTTP ${res.status}`, { location, status: res.status });
  return new Uint8Array(await res.arrayBuffer());
};

/**
 * A model directory → a language model, in one call (in the spirit of
 * transformers.js `pipeline()`): reads and validates `manifest.json`, reads
 * and verifies the files the model needs, and returns the right
 * `LanguageModel` — `NgramLm`, `NeuralLm` (ONNX, with `createSession`),
 * `RnnLm` (core weights, without) or `MixtureLm` (its components loaded the
 * same way, each checked against the manifest hash the mixture recorded).
 * Failures are `SeqlmError`s: `MANIFEST_INVALID`, `HASH_MISMATCH`,
 * `DOWNLOAD_FAILED`/`IO_ERROR`, `MODEL_INVALID`, `UNSUPPORTED`.
 */
export async function loadModel(location: string, options: LoadModelOptions = {}): Promise<LanguageModel> {
  const read = options.readFile ?? fetchFile;
  const manifestBytes = await read(resolveLocation(location, MANIFEST_FILE));
  options.onRead?.(resolveLocation(location, MANIFEST_FILE), manifestBytes.length);
  const manifest = parseManifestBytes(manifestBytes, location);
  if (options.kinds !== undefined && !options.kinds.includes(manifest.kind)) {
    const id = options.id ?? lastSegment(location);
    throw new SeqlmError('UNSUPPORTED', `${id} is a model of kind "${manifest.kind}", not ${options.kinds.map((k) => `"${k}"`).join(' or ')}`, {
      kind: manifest.kind,
      kinds: [...options.kinds],
    });
  }
  return loadFromManifest(location, manifest, { ...options, readFile: read }, new Set());
}

/**
 * Runs `fn`; a `SeqlmError` from it gains `details.location` (the file at
 * fault, as the caller named it), so a front end can name that file in its
 * own terms (a path on disk) while the message stays the same everywhere.
 */
function locating<T>(details: { location: string; manifest?: string }, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (!isSeqlmError(error) || error.details?.['location'] !== undefined) throw error;
    throw new SeqlmError(error.code, error.message, { ...error.details, ...details }, { cause: error });
  }
}

function parseManifestBytes(bytes: Uint8Array, location: string): Manifest {
  let text: string;
  try {
    text = new platform.TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new SeqlmError('MANIFEST_INVALID', `${resolveLocation(location, MANIFEST_FILE)} is not UTF-8 text`);
  }
  return locating({ location: resolveLocation(location, MANIFEST_FILE) }, () => parseManifest(text));
}

/** Builds the language model a parsed manifest describes; `seen` guards against a mixture that contains itself. */
export async function loadFromManifest(
  location: string,
  manifest: Manifest,
  options: LoadModelOptions & { readFile: ReadFile },
  seen: Set<string> = new Set(),
): Promise<LanguageModel> {
  const id = options.id ?? lastSegment(location);
  const verify = options.verify ?? true;
  const readListed = async (path: string): Promise<Uint8Array> => {
    const entry = findFile(manifest, path);
    const at = resolveLocation(location, path);
    const bytes = await options.readFile(at);
    options.onRead?.(at, bytes.length);
    if (verify) locating({ location: at, manifest: resolveLocation(location, MANIFEST_FILE) }, () => verifyFile(entry, bytes, options.sha256Hex));
    return bytes;
  };
  switch (manifest.kind) {
    case 'ts-mlp':
      throw new SeqlmError('UNSUPPORTED', `${id} is a time-series model (ts-mlp): it predicts numbers, not tokens`);
    case 'ngram': {
      const entry = findFile(manifest, manifest.ngram.file);
      if (entry.role !== 'ngram') throw new SeqlmError('UNSUPPORTED', `${id}: load an ARPA model with \`seqlm ngram import\` first; the runtime reads the compact n-gram file, not "${entry.role}"`);
      // readListed has checked the hash (or the caller said the bytes need none): not again in loadNgram.
      const bytes = await readListed(entry.path);
      return locating({ location: resolveLocation(location, entry.path) }, () => NgramLm.fromBytes(id, manifest, bytes, { verified: true }));
    }
    case 'mixture':
      return loadMixture(location, id, manifest, options, seen);
    default:
      return loadNeural(id, manifest, readListed, options);
  }
}

async function loadNeural(id: string, manifest: NeuralManifest, readListed: (path: string) => Promise<Uint8Array>, options: LoadModelOptions): Promise<LanguageModel> {
  if (options.createSession !== undefined && manifest.onnx !== undefined) {
    const session = await options.createSession(await readListed(manifest.onnx.file), manifest);
    return new NeuralLm(id, manifest, session);
  }
  if (manifest.weights !== undefined) return RnnLm.fromWeights(id, manifest, await readListed(manifest.weights.file));
  throw new SeqlmError(
    'UNSUPPORTED',
    options.createSession === undefined ? `${id} has only an ONNX graph: pass createSession (an onnxruntime adapter) to run it` : `${id} has neither an ONNX graph nor a weights container`,
  );
}

async function loadMixture(location: string, id: string, manifest: MixtureManifest, options: LoadModelOptions & { readFile: ReadFile }, seen: Set<string>): Promise<LanguageModel> {
  const self = resolveLocation(location, MANIFEST_FILE);
  if (seen.has(self)) throw new SeqlmError('MODEL_INVALID', `mixture ${id} contains itself`);
  const inner = new Set([...seen, self]);
  const components = await Promise.all(
    manifest.mixture.components.map(async (c, i) => {
      const dir = resolveLocation(location, c.path);
      const at = resolveLocation(dir, MANIFEST_FILE);
      let bytes: Uint8Array;
      try {
        bytes = await options.readFile(at);
      } catch (error) {
        const why = isSeqlmError(error) ? error.message : String(error);
        throw new SeqlmError('MODEL_INVALID', `mixture ${id}: component ${i + 1} (${c.path}) cannot be read: ${why}`, { component: c.path }, { cause: error });
      }
      const actual = (options.sha256Hex ?? sha256Hex)(bytes);
      if (actual !== c.manifestSha256) {
        throw new SeqlmError('HASH_MISMATCH', `mixture ${id}: component ${c.path} has changed (its manifest's sha256 is ${actual}, the mixture recorded ${c.manifestSha256}); fit the mixture again`, {
          component: c.path,
        });
      }
      const componentManifest = parseManifestBytes(bytes, dir);
      const model = await loadFromManifest(dir, componentManifest, { ...options, id: lastSegment(dir) }, inner);
      return { model, weight: c.weight };
    }),
  );
  return new MixtureLm(id, manifest, components);
}

export type { LanguageManifest };
