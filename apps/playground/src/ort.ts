/**
 * The one module that touches onnxruntime-web. It loads the wasm-only build
 * (no WebGPU/WebGL code in the bundle) and points it at the copy of the .wasm
 * that Vite emits next to the bundle, so the site needs nothing from another
 * origin and keeps working from any static host.
 */
import * as ort from 'onnxruntime-web/wasm';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import { SeqlmError } from '@seqlm/core/errors';
import { adaptOrtSession, type GraphSession, type OrtLikeTensor } from '@seqlm/core/lm';

export { ort, wasmUrl };
export type InferenceSession = ort.InferenceSession;

let configured = false;

function configure(): void {
  if (configured) return;
  configured = true;
  ort.env.wasm.wasmPaths = { wasm: new URL(wasmUrl, document.baseURI).href };
  // Threads need SharedArrayBuffer, which only a cross-origin isolated page has;
  // a plain static host is not, and these models are far too small to gain from them.
  ort.env.wasm.numThreads = globalThis.crossOriginIsolated === true ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
  ort.env.wasm.proxy = false;
}

/**
 * Hands onnxruntime the wasm the page downloaded itself (to show progress and
 * fill the offline cache), so it does not fetch the 14 MB file a second time.
 */
export function provideWasmBinary(bytes: ArrayBuffer): void {
  ort.env.wasm.wasmBinary = bytes;
}

/** Throws `UNSUPPORTED` when this browser cannot run onnxruntime-web at all. */
export function checkBrowserSupport(): void {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.instantiate !== 'function') {
    throw new SeqlmError('UNSUPPORTED', 'this browser has no WebAssembly, which the neural models need; the n-gram models still work');
  }
}

/** A session on the wasm backend for the ONNX graph in `bytes`. */
export async function createSession(bytes: Uint8Array): Promise<InferenceSession> {
  checkBrowserSupport();
  configure();
  try {
    return await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  } catch (error) {
    throw new SeqlmError('MODEL_INVALID', `onnxruntime could not load the graph: ${error instanceof Error ? error.message : String(error)}`, undefined, { cause: error });
  }
}

/** A session as core's language-model runtime drives it (`GraphSession`). */
export async function createGraphSession(bytes: Uint8Array): Promise<GraphSession> {
  return adaptOrtSession(await createSession(bytes), ort.Tensor as OrtLikeTensor<ort.Tensor>);
}
