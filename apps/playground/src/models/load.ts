import { SeqlmError, isSeqlmError } from '@seqlm/core/errors';
import { parseManifest, verifyFile, findFile, type ManifestFile, type NeuralManifest, type TsMlpManifest } from '@seqlm/core/manifest';
import type { LanguageManifest, LanguageModel } from './language-model.ts';
import type { SeriesModel } from './forecast.ts';
import { NgramModel } from './ngram-model.ts';
import { parseCorpusStats, type ShippedCorpusStats } from './corpus-stats.ts';

export type Fetch = (url: string) => Promise<Response>;

/** A language model ready for the text views, with what the picker and corpus view show about it. */
export interface LoadedLanguageModel {
  type: 'language';
  model: LanguageModel;
  manifest: LanguageManifest;
  /** Corpus statistics shipped with the model; null when it ships none, an error when the file is bad. */
  stats: ShippedCorpusStats | SeqlmError | null;
  /** Milliseconds from the start of the load to a usable model. */
  loadMs: number;
}

/** A time-series model (ts-mlp) ready for the time-series view. */
export interface LoadedSeriesModel {
  type: 'series';
  model: SeriesModel;
  manifest: TsMlpManifest;
  loadMs: number;
}

export type LoadedModel = LoadedLanguageModel | LoadedSeriesModel;

/** Creates the onnxruntime-backed model; injected so the loader itself stays testable without a browser. */
export type NeuralLoader = (id: string, manifest: NeuralManifest, onnx: Uint8Array) => Promise<LanguageModel>;
export type SeriesLoader = (id: string, manifest: TsMlpManifest, onnx: Uint8Array) => Promise<SeriesModel>;

/** The onnxruntime-backed constructors, one per model family. */
export interface OnnxLoaders {
  neural: NeuralLoader;
  series: SeriesLoader;
}

async function fetchOk(fetchFn: Fetch, url: string, what: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetchFn(url);
  } catch (error) {
    throw new SeqlmError('DOWNLOAD_FAILED', `could not download ${what}: ${error instanceof Error ? error.message : String(error)}`, { url }, { cause: error });
  }
  if (!res.ok) throw new SeqlmError('DOWNLOAD_FAILED', `could not download ${what}: HTTP ${res.status}`, { url, status: res.status });
  return res;
}

/** Downloads one file the manifest lists and checks its size and sha256 (`HASH_MISMATCH`). */
async function fetchVerified(fetchFn: Fetch, dirUrl: string, entry: ManifestFile): Promise<Uint8Array> {
  const res = await fetchOk(fetchFn, new URL(entry.path, dirUrl).href, entry.path);
  const bytes = new Uint8Array(await res.arrayBuffer());
  verifyFile(entry, bytes);
  return bytes;
}

/**
 * Loads model `id` from `<base>models/<id>/`: the manifest is validated with
 * core's schema, every file the model needs is checked against the manifest's
 * size and sha256 before it is used, then the runtime is built (onnxruntime
 * for neural and time-series models, core's trie for n-grams). Failures are `SeqlmError`s whose
 * code the UI turns into a message.
 */
export async function loadModel(baseUrl: string, id: string, loaders: OnnxLoaders, fetchFn: Fetch = (u) => fetch(u)): Promise<LoadedModel> {
  const start = performance.now();
  const dirUrl = new URL(`models/${encodeURIComponent(id)}/`, baseUrl).href;
  const manifestRes = await fetchOk(fetchFn, new URL('manifest.json', dirUrl).href, `${id}/manifest.json`);
  const manifest = parseManifest(await manifestRes.text());
  if (manifest.kind === 'ts-mlp') {
    if (manifest.onnx === undefined) throw new SeqlmError('UNSUPPORTED', 'this time-series model has no ONNX graph, which the playground runs it with');
    const bytes = await fetchVerified(fetchFn, dirUrl, findFile(manifest, manifest.onnx.file));
    const model = await loaders.series(id, manifest, bytes);
    return { type: 'series', model, manifest, loadMs: performance.now() - start };
  }
  const statsEntry = manifest.files.find((f) => f.role === 'stats');
  const statsPromise = statsEntry ? loadStats(fetchFn, dirUrl, statsEntry) : Promise.resolve(null);
  let model: LanguageModel;
  if (manifest.kind === 'ngram') {
    const entry = findFile(manifest, manifest.ngram.file);
    if (entry.role !== 'ngram') throw new SeqlmError('UNSUPPORTED', `the playground reads binary n-gram files, not "${entry.role}" (${entry.path})`);
    model = NgramModel.load(id, manifest, await fetchVerified(fetchFn, dirUrl, entry));
  } else {
    if (manifest.onnx === undefined) throw new SeqlmError('UNSUPPORTED', 'this model has no ONNX graph, which the playground runs neural models with');
    const bytes = await fetchVerified(fetchFn, dirUrl, findFile(manifest, manifest.onnx.file));
    model = await loaders.neural(id, manifest, bytes);
  }
  return { type: 'language', model, manifest, stats: await statsPromise, loadMs: performance.now() - start };
}

async function loadStats(fetchFn: Fetch, dirUrl: string, entry: ManifestFile): Promise<ShippedCorpusStats | SeqlmError> {
  try {
    const bytes = await fetchVerified(fetchFn, dirUrl, entry);
    return parseCorpusStats(JSON.parse(new TextDecoder().decode(bytes)));
  } catch (error) {
    // A bad statistics file costs the corpus view, not the model.
    return isSeqlmError(error) ? error : new SeqlmError('MANIFEST_INVALID', `corpus statistics: ${(error as Error).message}`);
  }
}
