import type { RemoteModel } from './registry.ts';

/**
 * A model kept in an R2 bucket instead of the bundle: a models.config.json
 * entry `{"id", "r2": {"binding", "prefix"}}`. The directory's files sit under
 * `prefix` as they do on disk (`manifest.json`, `model.onnx` or `model.ngram`),
 * uploaded with `wrangler r2 object put` (README).
 */
export interface R2ModelRef {
  /** URL id. */
  id: string;
  /** The bucket's binding name (`r2_buckets[].binding` in wrangler.jsonc). */
  binding: string;
  /** Key prefix of the model directory, ending in "/". */
  prefix: string;
}

/** The minimum of Workers' `R2Bucket` this module needs. */
export interface R2Reader {
  get(key: string): Promise<{ arrayBuffer(): Promise<ArrayBuffer> } | null>;
}

const isBucket = (value: unknown): value is R2Reader => typeof (value as { get?: unknown } | undefined)?.get === 'function';

/** Where a model is, for messages: `r2://BINDING/prefix/`. */
export const r2Dir = (ref: R2ModelRef): string => `r2://${ref.binding}/${ref.prefix}`;

/**
 * The registry's view of an R2 model over the bucket bound as `ref.binding`
 * in `env` (undefined when wrangler.jsonc binds none: every read then fails
 * with a reason that says so). Objects are read when the registry asks: the
 * manifest on its first use, the served file on the model's first use; the
 * registry checks both and keeps the loaded model for the isolate's life.
 */
export function r2Model(ref: R2ModelRef, env: Record<string, unknown>): RemoteModel {
  const bucket = env[ref.binding];
  const dir = r2Dir(ref);
  const read = async (name: string): Promise<ArrayBuffer> => {
    if (!isBucket(bucket)) throw new Error(`no R2 bucket is bound as "${ref.binding}" (r2_buckets in wrangler.jsonc)`);
    const object = await bucket.get(`${ref.prefix}${name}`);
    if (object === null) throw new Error(`${dir}${name} does not exist in the bucket`);
    return object.arrayBuffer();
  };
  return {
    id: ref.id,
    dir,
    async readManifest() {
      const text = new TextDecoder().decode(await read('manifest.json'));
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new Error(`${dir}manifest.json is not valid JSON`);
      }
    },
    async readFile(path) {
      return new Uint8Array(await read(path));
    },
  };
}
