import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { SeqlmError, isSeqlmError } from '@seqlm/core/errors';
import { parseManifest, serializeManifest, type ManifestFile, type NgramManifest, type TextSpec, type TrainingMetadata } from '@seqlm/core/manifest';
import { encodeNgram, ngramManifest, writeArpaBytes, type LoadedNgramModel } from '@seqlm/core/ngram';
import { sha256Hex } from '../corpus/sha256.ts';
import { writeCorpusStats } from '../corpus/stats-file.ts';

export const MANIFEST_FILE = 'manifest.json';
export const NGRAM_MODEL_FILE = 'model.ngram';
export const NGRAM_ARPA_FILE = 'model.arpa';

export interface WriteNgramModelDirOptions {
  /** The tokenizer and normalisation that turned text into the model's tokens. */
  text: TextSpec;
  training?: TrainingMetadata;
  name?: string;
  description?: string;
  /** Also write `model.arpa` (backoff models only), listed in the manifest with role `arpa`. */
  arpa?: boolean;
  /** Also write `stats.json` (core's corpus statistics of these tokens, role `stats`), for the playground's corpus view. */
  statsTokens?: readonly string[];
}

export interface WrittenNgramModelDir {
  dir: string;
  manifest: NgramManifest;
  /** Bytes written per file name, manifest included. */
  bytes: Record<string, number>;
}

/**
 * Writes `dir/manifest.json` and `dir/model.ngram` (and `dir/model.arpa`, `dir/stats.json`) so
 * that `dir` is never seen half-written: everything goes to a temporary sibling
 * directory that is renamed into place. An existing model directory (one with a
 * manifest) is replaced; any other non-empty directory is refused.
 *
 * ARPA separates fields by whitespace, so a char model's ARPA file escapes its
 * space and newline tokens (`\s`, `\n`; read it with `readArpa(text, { escape: true })`).
 */
export async function writeNgramModelDir(dir: string, model: LoadedNgramModel, options: WriteNgramModelDirOptions): Promise<WrittenNgramModelDir> {
  await checkNgramOutDir(dir);
  const bytes = encodeNgram(model);
  const training = options.training;
  const arpa = options.arpa === true ? writeArpaBytes(model, { escape: options.text.tokenizer === 'char' }) : undefined;
  let manifest = ngramManifest(model, bytes, {
    text: options.text,
    file: NGRAM_MODEL_FILE,
    ...(options.name !== undefined ? { name: options.name } : {}),
    ...(options.description !== undefined ? { description: options.description } : {}),
    ...(training !== undefined ? { training } : {}),
    // node:crypto's hash: core's portable one takes a noticeable share of writing a 10 MB model
    sha256Hex,
  });
  if (arpa !== undefined) {
    const entry: ManifestFile = { role: 'arpa', path: NGRAM_ARPA_FILE, bytes: arpa.length, sha256: sha256Hex(arpa) };
    manifest = parseManifest({ ...manifest, files: [...manifest.files, entry] }) as NgramManifest;
  }

  const files: [string, string | Uint8Array][] = [[NGRAM_MODEL_FILE, bytes], ...(arpa !== undefined ? [[NGRAM_ARPA_FILE, arpa] as [string, Uint8Array]] : [])];
  let stats: ManifestFile | undefined;
  // A sibling, so the final rename stays on one file system; mkdir (unlike mkdtemp's 0700) honours the umask.
  const tmp = join(dirname(dir), `.${basename(dir)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  await ioStep(dir, () => mkdir(tmp));
  try {
    for (const [name, data] of files) await ioStep(join(dir, name), () => writeFile(join(tmp, name), data));
    if (options.statsTokens !== undefined) {
      stats = await writeCorpusStats(tmp, options.statsTokens);
      manifest = parseManifest({ ...manifest, files: [...manifest.files, stats] }) as NgramManifest;
    }
    const manifestText = serializeManifest(manifest);
    files.push([MANIFEST_FILE, manifestText]);
    await ioStep(join(dir, MANIFEST_FILE), () => writeFile(join(tmp, MANIFEST_FILE), manifestText));
    await swapIn(tmp, dir);
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
  const sizes: Record<string, number> = {};
  for (const [name, data] of files) sizes[name] = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  if (stats !== undefined) sizes[stats.path] = stats.bytes;
  return { dir, manifest, bytes: sizes };
}

/** Refuses a path that is a file, or a non-empty directory that is not a model directory, before any work is done. */
export async function checkNgramOutDir(dir: string): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (info === undefined) return;
  if (!info.isDirectory()) throw new SeqlmError('IO_ERROR', `${dir} exists and is not a directory`, { path: dir });
  const entries = await readdir(dir);
  if (entries.length > 0 && !entries.includes(MANIFEST_FILE)) {
    throw new SeqlmError('IO_ERROR', `${dir} is a non-empty directory without a ${MANIFEST_FILE}; refusing to replace it`, { path: dir });
  }
}

/** Renames `tmp` to `dir`; an existing `dir` is first moved aside, so a reader sees the old model or the new one, never a mix. */
async function swapIn(tmp: string, dir: string): Promise<void> {
  const old = (await stat(dir).catch(() => undefined)) !== undefined ? `${tmp}.old` : undefined;
  if (old !== undefined) await ioStep(dir, () => rename(dir, old));
  try {
    await ioStep(dir, () => rename(tmp, dir));
  } catch (error) {
    if (old !== undefined) await rename(old, dir).catch(() => {});
    throw error;
  }
  if (old !== undefined) await rm(old, { recursive: true, force: true });
}

async function ioStep<T>(path: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (isSeqlmError(error)) throw error;
    throw new SeqlmError('IO_ERROR', `cannot write ${path}: ${(error as Error).message}`, { path }, { cause: error });
  }
}

/** Runs `fn`, prefixing the message of any SeqlmError with `path`. */
export function inFile<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (!isSeqlmError(error)) throw error;
    throw new SeqlmError(error.code, `${path}: ${error.message}`, { ...error.details, path }, { cause: error });
  }
}
