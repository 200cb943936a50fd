/**
 * The one module that owns onnxruntime-web inside workerd. Everything odd about
 * running ORT on Workers lives here, and each line says why:
 *
 * - `onnxruntime-web/wasm` is the wasm-only build; the package's main entry
 *   resolves to the WebGPU bundle in a worker build, which finds no backend.
 * - Workers refuse to compile wasm from bytes ("Wasm code generation disallowed
 *   by embedder"), so the .wasm is imported as a module (wrangler's default
 *   `CompiledWasm` rule precompiles it at deploy time).
 * - ORT 1.30 has no option that accepts a `WebAssembly.Module`, so while ORT
 *   starts, `WebAssembly.instantiate(bytes, imports)` is answered with that
 *   precompiled module; a call that already passes a Module is left alone.
 * - `wasmBinary` is set to a placeholder so ORT's loader takes the "binary
 *   given" path and never tries to fetch the .wasm by URL (there is none).
 * - One thread and no proxy worker: Workers have neither SharedArrayBuffer
 *   threads nor Web Workers.
 */
import * as ort from 'onnxruntime-web/wasm';
import ortWasm from 'onnxruntime-web/ort-wasm-simd-threaded.wasm';

import { adaptOrtSession, type GraphSession, type OrtLikeTensor } from '@seqlm/core/lm';

export type { InferenceSession, Tensor } from 'onnxruntime-web/wasm';
export { ort };

let initialized = false;

function initOrt(): void {
  if (initialized) return;
  initialized = true;
  const instantiate = WebAssembly.instantiate.bind(WebAssembly) as (source: BufferSource | WebAssembly.Module, imports?: WebAssembly.Imports) => Promise<unknown>;
  const patched = async (source: BufferSource | WebAssembly.Module, imports?: WebAssembly.Imports): Promise<unknown> => {
    if (source instanceof WebAssembly.Module) return instantiate(source, imports);
    const instance = (await instantiate(ortWasm, imports)) as WebAssembly.Instance;
    return { module: ortWasm, instance };
  };
  (WebAssembly as { instantiate: unknown }).instantiate = patched;
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  ort.env.wasm.wasmBinary = new Uint8Array([0]);
}

/** Creates an inference session for `.onnx` bytes (one per model per isolate; callers cache it). */
export async function createSession(model: ArrayBuffer | Uint8Array): Promise<ort.InferenceSession> {
  initOrt();
  const bytes = model instanceof Uint8Array ? model : new Uint8Array(model);
  return ort.InferenceSession.create(bytes, {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
  });
}

// One session per model buffer: the session warm-up.ts starts for a bundled model at startup is the one the registry gets.
const sessions = new WeakMap<ArrayBufferLike, Promise<GraphSession>>();

/**
 * A session as core's runtime drives it (`GraphSession`), created once per
 * model buffer (sessions hold no request state: a graph's state is an input).
 */
export function createGraphSession(model: ArrayBuffer | Uint8Array): Promise<GraphSession> {
  const whole = !(model instanceof Uint8Array) || (model.byteOffset === 0 && model.byteLength === model.buffer.byteLength);
  const key = model instanceof Uint8Array ? model.buffer : model;
  let session = whole ? sessions.get(key) : undefined;
  if (session === undefined) {
    session = createSession(model).then((s) => adaptOrtSession(s, ort.Tensor as OrtLikeTensor<ort.Tensor>));
    if (whole) sessions.set(key, session);
  }
  return session;
}
