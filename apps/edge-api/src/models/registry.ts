import { validateManifest } from '@seqlm/core';
import { ApiError } from '../errors.ts';
import { MixtureLm, NeuralLm, NgramLm, type LanguageModel } from '@seqlm/core/lm';
import { createGraphSession } from '../ort.ts';
import { checkSource, componentIds, servedFile, type ModelSource, type ServableManifest } from './source.ts';

/**
 * A model directory outside the bundle (R2: `r2-source.ts`): its manifest is
 * read on the registry's first use, its served file on the model's first use;
 * a read that fails throws an Error whose message is the reason.
 */
export interface RemoteModel {
  id: string;
  /** Where it is, for messages. */
  dir: string;
  readManifest(): Promise<unknown>;
  readFile(path: string): Promise<Uint8Array>;
}

/** A model directory that is not served, and why (shown by /health and in 503 answers). */
export interface RejectedModel {
  id: string;
  dir: string;
  reason: string;
}

/**
 * Every configured model, each validated and loaded at most once per isolate.
 * The manifest is checked when the registry is first used (cheap, so listings
 * are right); the served file's size and sha256 when the model is first asked
 * for, just before its ONNX session or n-gram trie is built, unless the
 * bundle's build already checked them (`verified: 'build'`). Failing either
 * moves the model to `rejected` for the rest of the isolate's life. Nothing
 * is loaded before a request asks for that model.
 */
export class ModelRegistry {
  readonly #sources: Map<string, ModelSource>;
  readonly #rejected = new Map<string, RejectedModel>();
  // Build-time rejections are reported as given; one may share an id with a served model (a duplicate directory name).
  readonly #rejectedAtBuild: RejectedModel[];
  readonly #manifests = new Map<string, ServableManifest>();
  readonly #loaded = new Map<string, Promise<LanguageModel>>();
  readonly #remote: Map<string, RemoteModel>;
  #ready: Promise<void> | undefined;
  #checked = false;

  constructor(sources: readonly ModelSource[], rejected: readonly RejectedModel[] = [], remote: readonly RemoteModel[] = []) {
    this.#sources = new Map(sources.map((s) => [s.id, s]));
    this.#rejectedAtBuild = rejected.filter((r) => this.#sources.has(r.id));
    for (const r of rejected) if (!this.#sources.has(r.id)) this.#rejected.set(r.id, r);
    this.#remote = new Map(remote.filter((m) => !this.#sources.has(m.id)).map((m) => [m.id, m]));
    for (const m of remote) {
      if (this.#sources.has(m.id)) this.#rejectedAtBuild.push({ id: m.id, dir: m.dir, reason: `a bundled model is also named "${m.id}"` });
    }
  }

  /**
   * Reads the manifests of the remote models, once: call before `ids()`,
   * `rejected()` and `manifest()` (`get()` does). A manifest that cannot be
   * read or fails validation rejects its model, never the registry.
   */
  ready(): Promise<void> {
    this.#ready ??= (async () => {
      const read = await Promise.all(
        [...this.#remote.values()].map(async (m) => {
          try {
            return { m, manifest: await m.readManifest() };
          } catch (error) {
            return { m, reason: error instanceof Error ? error.message : String(error) };
          }
        }),
      );
      this.#checkManifests();
      for (const r of read) {
        const source: ModelSource = { id: r.m.id, dir: r.m.dir, manifest: r.manifest, files: {} };
        this.#sources.set(source.id, source);
        if ('reason' in r) this.#reject(source, r.reason as string);
        else this.#checkManifest(source);
      }
    })();
    return this.#ready;
  }

  /** Ids of the models that are served, in configuration order. */
  ids(): string[] {
    this.#checkManifests();
    return [...this.#manifests.keys()].filter((id) => !this.#rejected.has(id));
  }

  rejected(): RejectedModel[] {
    this.#checkManifests();
    return [...this.#rejected.values(), ...this.#rejectedAtBuild];
  }

  /** The validated manifest of a served model; throws `MODEL_NOT_FOUND` / `MODEL_UNAVAILABLE`. */
  manifest(id: string): ServableManifest {
    this.#checkManifests();
    this.#assertServed(id);
    return this.#manifests.get(id) as ServableManifest;
  }

  /** The model, loaded on first use and shared by every later request in this isolate. */
  async get(id: string): Promise<LanguageModel> {
    await this.ready();
    this.manifest(id);
    let loading = this.#loaded.get(id);
    if (loading === undefined) {
      loading = this.#load(this.#sources.get(id) as ModelSource);
      this.#loaded.set(id, loading);
    }
    return loading;
  }

  async #load(bundled: ModelSource): Promise<LanguageModel> {
    let source = bundled;
    const remote = this.#remote.get(source.id);
    if (remote !== undefined) {
      const path = servedFile(this.#manifests.get(source.id) as ServableManifest) ?? '';
      try {
        source = { ...source, files: { [path]: await remote.readFile(path) } };
      } catch (error) {
        this.#reject(source, error instanceof Error ? error.message : String(error));
        throw this.#unavailable(source.id);
      }
    }
    // Bundled bytes were hashed when the bundle was built; anything else is hashed now.
    const check = source.verified === 'build' ? { ok: true as const } : checkSource(source);
    if (!check.ok) {
      this.#reject(source, check.reason);
      throw this.#unavailable(source.id);
    }
    const manifest = this.#manifests.get(source.id) as ServableManifest;
    try {
      const bytes = (path: string): Uint8Array => {
        const b = source.files[path] as ArrayBuffer | Uint8Array;
        return b instanceof Uint8Array ? b : new Uint8Array(b);
      };
      // checkSource (or the bundle's build) has hashed the bytes; loadNgram need not again.
      if (manifest.kind === 'ngram') return NgramLm.fromBytes(source.id, manifest, bytes(manifest.ngram.file), { verified: true });
      if (manifest.kind === 'mixture') return await this.#loadMixture(source.id, manifest);
      return new NeuralLm(source.id, manifest, await createGraphSession(bytes(manifest.onnx?.file ?? '')));
    } catch (error) {
      this.#reject(source, `the model failed to load: ${error instanceof Error ? error.message : String(error)}`);
      throw this.#unavailable(source.id);
    }
  }

  /**
   * A mixture over served models (the bundle's build checked each component's
   * manifest hash against the mixture's record); a component that is not
   * served makes the mixture unavailable, with its reason.
   */
  async #loadMixture(id: string, manifest: Extract<ServableManifest, { kind: 'mixture' }>): Promise<LanguageModel> {
    const ids = componentIds(manifest);
    const models = await Promise.all(
      ids.map(async (componentId) => {
        if (componentId === id) throw new Error('a mixture cannot contain itself');
        if (this.manifest(componentId).kind === 'mixture') throw new Error(`component "${componentId}" is itself a mixture`);
        return this.get(componentId);
      }),
    );
    return new MixtureLm(id, manifest, manifest.mixture.components.map((c, i) => ({ model: models[i] as LanguageModel, weight: c.weight })));
  }

  #reject(source: ModelSource, reason: string): void {
    console.error(`seqlm edge-api: model "${source.id}" (${source.dir}) is not served: ${reason}`);
    this.#rejected.set(source.id, { id: source.id, dir: source.dir, reason });
  }

  #assertServed(id: string): void {
    if (this.#rejected.has(id)) throw this.#unavailable(id);
    if (!this.#manifests.has(id)) throw new ApiError('MODEL_NOT_FOUND', `no model "${id}"; GET /v1/models lists them`);
  }

  #unavailable(id: string): ApiError {
    return new ApiError('MODEL_UNAVAILABLE', `model "${id}" is not served: ${this.#rejected.get(id)?.reason ?? 'unknown reason'}`);
  }

  #checkManifests(): void {
    if (this.#checked) return;
    this.#checked = true;
    for (const source of this.#sources.values()) if (!this.#rejected.has(source.id)) this.#checkManifest(source);
  }

  #checkManifest(source: ModelSource): void {
    const result = validateManifest(source.manifest);
    if (!result.ok) {
      const problems = result.problems.map((p) => `${p.path}: ${p.message}`).join('; ');
      this.#reject(source, `MANIFEST_INVALID: ${problems}`);
    } else if (result.manifest.kind === 'ts-mlp') {
      this.#reject(source, 'a ts-mlp model predicts numbers, not tokens; the API serves language models only');
    } else if (result.manifest.kind === 'mixture' && this.#remote.has(source.id)) {
      this.#reject(source, 'a mixture is served from bundled components; list it and them in models.config.json');
    } else {
      this.#manifests.set(source.id, result.manifest);
    }
  }
}
