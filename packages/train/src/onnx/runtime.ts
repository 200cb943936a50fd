/**
 * The only module that talks to onnxruntime. Two runtimes run an exported
 * graph in Node: `web`, onnxruntime-web's Node build (the same wasm kernels the
 * edge API and the browser run), and `node`, the native onnxruntime-node,
 * an optional dependency that may be absent, so it is loaded on demand and
 * reported unavailable instead of failing.
 */
import type * as Ort from 'onnxruntime-web';
import { SeqlmError } from '@seqlm/core/errors';

export const ORT_RUNTIMES = ['web', 'node'] as const;
export type OrtRuntime = (typeof ORT_RUNTIMES)[number];

type OrtModule = typeof Ort;
// A string variable keeps TypeScript (and bundlers) from resolving an optional module that may be absent.
const ORT_NODE = 'onnxruntime-node';

const modules = new Map<OrtRuntime, Promise<OrtModule | null>>();
/** Why a runtime did not load, for reports that say which runtimes checked a model and which could not. */
const failures = new Map<OrtRuntime, string>();

function load(runtime: OrtRuntime): Promise<OrtModule | null> {
  let found = modules.get(runtime);
  if (found === undefined) {
    found = (async (): Promise<OrtModule | null> => {
      if (runtime === 'web') {
        // The package's `node` export condition resolves to dist/ort.node.min.mjs, which loads the wasm from disk.
        const ort = (await import('onnxruntime-web')) as OrtModule;
        ort.env.wasm.numThreads = 1; // wasm threads need worker files Node cannot load
        ort.env.wasm.proxy = false;
        ort.env.logLevel = 'error';
        return ort;
      }
      try {
        return (await import(ORT_NODE)) as OrtModule;
      } catch (error) {
        // npm drops an optional dependency whose install script failed (onnxruntime-node's fetches CUDA binaries).
        const notFound = (error as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND';
        failures.set(runtime, notFound ? 'not installed (an optional dependency)' : `does not load: ${String((error as Error).message).split('\n')[0]}`);
        return null;
      }
    })();
    modules.set(runtime, found);
  }
  return found;
}

/** Whether `runtime` can be used here (onnxruntime-node is optional). */
export async function isRuntimeAvailable(runtime: OrtRuntime): Promise<boolean> {
  return (await load(runtime)) !== null;
}

/** Why `runtime` cannot be used here, or null when it can. */
export async function unavailableReason(runtime: OrtRuntime): Promise<string | null> {
  return (await load(runtime)) === null ? (failures.get(runtime) ?? 'unavailable') : null;
}

/** The runtimes installed here, in ORT_RUNTIMES order. */
export async function availableRuntimes(): Promise<OrtRuntime[]> {
  const out: OrtRuntime[] = [];
  for (const r of ORT_RUNTIMES) if (await isRuntimeAvailable(r)) out.push(r);
  return out;
}

/** A feed: int32, int64 (given as int32 values) or float32 data with its dims. */
export interface FeedTensor {
  dtype: 'float32' | 'int32' | 'int64';
  data: Float32Array | Int32Array;
  dims: readonly number[];
}

export interface OutputTensor {
  data: Float32Array;
  dims: number[];
}

/** An inference session behind a runtime-neutral interface. */
export interface OrtSession {
  readonly runtime: OrtRuntime;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Readonly<Record<string, FeedTensor>>): Promise<Record<string, OutputTensor>>;
  release(): Promise<void>;
}

/**
 * Creates a single-threaded session on `runtime` from model bytes (all graph
 * optimisations on). Throws UNSUPPORTED when the runtime is not installed and
 * MODEL_INVALID when onnxruntime refuses the graph.
 */
export async function createSession(runtime: OrtRuntime, bytes: Uint8Array): Promise<OrtSession> {
  const ort = await load(runtime);
  if (ort === null) throw new SeqlmError('UNSUPPORTED', `${ORT_NODE} is not installed; it is an optional dependency`, { runtime });
  let session: Ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, {
      executionProviders: [runtime === 'web' ? 'wasm' : 'cpu'],
      graphOptimizationLevel: 'all',
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      logSeverityLevel: 3,
    });
  } catch (error) {
    throw new SeqlmError('MODEL_INVALID', `onnxruntime-${runtime} cannot load the graph: ${(error as Error).message}`, { runtime }, { cause: error });
  }
  return {
    runtime,
    inputNames: [...session.inputNames],
    outputNames: [...session.outputNames],
    async run(feeds) {
      const inputs: Record<string, Ort.Tensor> = {};
      for (const [name, f] of Object.entries(feeds)) {
        const data = f.dtype === 'int64' ? BigInt64Array.from(f.data as Int32Array, (v) => BigInt(v)) : f.data;
        inputs[name] = new ort.Tensor(f.dtype, data, [...f.dims]);
      }
      let results: Ort.InferenceSession.ReturnType;
      try {
        results = await session.run(inputs);
      } catch (error) {
        throw new SeqlmError('MODEL_INVALID', `onnxruntime-${runtime} failed to run the graph: ${(error as Error).message}`, { runtime }, { cause: error });
      }
      const out: Record<string, OutputTensor> = {};
      for (const [name, t] of Object.entries(results)) {
        if (!(t.data instanceof Float32Array)) throw new SeqlmError('MODEL_INVALID', `output "${name}" is ${t.type}, expected float32`, { name });
        out[name] = { data: t.data, dims: [...t.dims] };
      }
      return out;
    },
    release: () => session.release(),
  };
}
