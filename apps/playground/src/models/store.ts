import { SeqlmError } from '@seqlm/core/errors';
import { parseCatalog, type Catalog } from './catalog.ts';
import { loadModel, type Fetch, type LoadedModel, type OnnxLoaders } from './load.ts';

/** Reads `models/index.json`; throws `DOWNLOAD_FAILED` or `MANIFEST_INVALID`. */
export async function fetchCatalog(baseUrl: string, fetchFn: Fetch = (u) => fetch(u)): Promise<Catalog> {
  const url = new URL('models/index.json', baseUrl).href;
  let res: Response;
  try {
    res = await fetchFn(url);
  } catch (error) {
    throw new SeqlmError('DOWNLOAD_FAILED', `could not download the model list: ${(error as Error).message}`, { url });
  }
  if (!res.ok) throw new SeqlmError('DOWNLOAD_FAILED', `could not download the model list: HTTP ${res.status}`, { url });
  let value: unknown;
  try {
    value = await res.json();
  } catch (error) {
    throw new SeqlmError('MANIFEST_INVALID', `models/index.json is not JSON: ${(error as Error).message}`);
  }
  return parseCatalog(value);
}

/** Loads each model at most once (the score view may want two at a time); a failed load may be retried. */
export class ModelStore {
  readonly #baseUrl: string;
  readonly #loaders: OnnxLoaders;
  readonly #fetch: Fetch | undefined;
  readonly #loading = new Map<string, Promise<LoadedModel>>();

  /** `fetchFn` downloads the model files (the page passes one that reports progress and fills the offline cache). */
  constructor(baseUrl: string, loaders: OnnxLoaders, fetchFn?: Fetch) {
    this.#baseUrl = baseUrl;
    this.#loaders = loaders;
    this.#fetch = fetchFn;
  }

  get(id: string): Promise<LoadedModel> {
    let loading = this.#loading.get(id);
    if (loading === undefined) {
      loading = loadModel(this.#baseUrl, id, this.#loaders, this.#fetch);
      this.#loading.set(id, loading);
      loading.catch(() => this.#loading.delete(id));
    }
    return loading;
  }
}
