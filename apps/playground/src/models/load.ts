import { SeqlmError, isSeqlmError } from '@seqlm/core/errors';
import { loadFromManifest, type GraphSession, type LanguageModel } from '@seqlm/core/lm';
import { parseManifest, verifyFile, findFile, type LanguageManifest, type ManifestFile, type NeuralManifest, type TsMlpManifest } from '@seqlm/core/manifest';
import type { SeriesModel } from './forecast.ts';
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

/** Creates the graph session of a neural language model; injected so the loader runs in Node tests on onnxruntime-node. */
export type SessionFactory = (onnx: Uint8Array, manifest: NeuralManifest) => Promise<GraphSession>;
export type SeriesLoader = (id: string, manifest: TsMlpManifest, onnx: Uint8Array) => Promise<SeriesModel>;

/** The onnxruntime-backed pieces: sessions for language models (run by core's runtime), and time-series models. */
export interface OnnxLoaders {
  createSession: SessionFactory;
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
 * size and sha256 before it is used, then core's runtime builds the model
 * (onnxruntime sessions for neural models, core's trie for n-grams, both for
 * mixtures, whose components are fetched beside it). Time-series models get
 * their own onnxruntime wrapper. Failures are `SeqlmError`s whose code the UI
 * turns into a message.
 */
export async function loadModel(baseUrl: string, id: string, loaders: OnnxLoaders, fetchFn: Fetch = (u) => fetch(u)): Promise<LoadedModel> {
  const start = performance.now();
  const modelsUrl = new URL('models/', baseUrl).href;
  const dirUrl = new URL(`${encodeURIComponent(id)}/`, modelsUrl).href;
  // Messages name files as `<id>/manifest.json` or, inside the model's own directory, `model.onnx`.
  const readFile = async (url: string): Promise<Uint8Array> => {
    const what = url.startsWith(dirUrl) ? url.slice(dirUrl.length) : url.startsWith(modelsUrl) ? decodeURIComponent(url.slice(modelsUrl.length)) : url;
    return new Uint8Array(await (await fetchOk(fetchFn, url, what)).arrayBuffer());
  };
  const manifestRes = await fetchOk(fetchFn, new URL('manifest.json', dirUrl).href, `${id}/manifest.json`);
  const manifest = parseManifest(await manifestRes.text());
  if (manifest.kind === 'ts-mlp') {
    if (manifest.onnx === undefined) throw new SeqlmError('UNSUPPORTED', 'this time-series model has no ONNX graph, which the playground runs it with');
    const bytes = await fetchVerified(fetchFn, dirUrl, findFile(manifest, manifest.onnx.file));
    const model = await loaders.series(id, manifest, bytes);
    return { type: 'series', model, manifest, loadMs: performance.now() - start };
  }
  if (manifest.kind !== 'ngram' && manifest.kind !== 'mixture' && manifest.onnx === undefined) {
    throw new SeqlmError('UNSUPPORTED', 'this model has no ONNX graph, which the playground runs neural models with');
  }
  const statsEntry = manifest.files.find((f) => f.role === 'stats');
  const statsPromise = statsEntry ? loadStats(fetchFn, dirUrl, statsEntry) : Promise.resolve(null);
  const model = await loadFromManifest(dirUrl, manifest, { readFile, createSession: loaders.createSession, id });
  return { type: 'language', model, manifest: model.manifest, stats: await statsPromise, loadMs: performance.now() - start };
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
