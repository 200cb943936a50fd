/**
 * `loadModel` from @seqlm/core/lm on the file system: a model directory (any
 * kind: n-gram, RNN/GRU/LSTM, mixture) becomes a `LanguageModel`, its graph
 * run by onnxruntime (node when installed, else web) or by core itself.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isSeqlmError, SeqlmError } from '@seqlm/core/errors';
import { loadModel, type GraphSession, type GraphTensor, type LanguageModel } from '@seqlm/core/lm';
import type { ModelKind } from '@seqlm/core/manifest';
import { sha256Hex } from '../corpus/sha256.ts';
import { createSession, isRuntimeAvailable, type FeedTensor, type OrtRuntime, type OrtSession, type OutputTensor } from '../onnx/runtime.ts';

/** What runs a neural model: onnxruntime-node, onnxruntime-web, or core's own forward pass (`core`). */
export const LM_RUNTIMES = ['auto', 'node', 'web', 'core'] as const;
export type LmRuntime = (typeof LM_RUNTIMES)[number];

/** Reads a file of a model directory; a missing or unreadable file is `IO_ERROR` naming it. */
export async function readModelFile(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SeqlmError('IO_ERROR', code === 'ENOENT' ? `${path}: no such file` : `cannot read ${path}: ${(error as Error).message}`, { path }, { cause: error });
  }
}

/** core's structural `GraphSession` over a session from `createSession` (int64 ids go in as int32 values). */
export function graphSessionOf(session: OrtSession): GraphSession {
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    // Not async: it runs once per generated token, and an async frame costs a few µs each time.
    run(feeds) {
      const plain: Record<string, FeedTensor> = {};
      for (const name in feeds) {
        const f = feeds[name] as (typeof feeds)[string];
        const data = f.data instanceof BigInt64Array ? Int32Array.from(f.data, (v) => Number(v)) : f.data;
        plain[name] = { dtype: f.type, data, dims: f.dims };
      }
      return session.run(plain).then((out) => {
        const tensors: Record<string, GraphTensor> = {};
        for (const name in out) tensors[name] = { type: 'float32', data: (out[name] as OutputTensor).data, dims: (out[name] as OutputTensor).dims };
        return tensors;
      });
    },
  };
}

/** The onnxruntime `auto` picks: the native build when it is installed, else the wasm one (the edge API's and browser's kernels). */
export async function resolveRuntime(runtime: LmRuntime): Promise<Exclude<LmRuntime, 'auto'>> {
  if (runtime !== 'auto') return runtime;
  return (await isRuntimeAvailable('node')) ? 'node' : 'web';
}

/**
 * Loads the model directory `dir` (relative to the working directory or
 * absolute), verifying every file against its manifest (sha256 by
 * node:crypto). Neural models run on `runtime` (default `auto`); with `core`,
 * from their weights container. `kinds` refuses any other kind before its
 * model files are read. A failure names the file at fault by its path.
 */
export async function loadModelDir(dir: string, options: { runtime?: LmRuntime; kinds?: readonly ModelKind[] } = {}): Promise<LanguageModel> {
  const wanted = options.runtime ?? 'auto';
  try {
    return await loadModel(resolve(dir), {
      readFile: readModelFile,
      sha256Hex,
      ...(options.kinds === undefined ? {} : { kinds: options.kinds }),
      // `auto` probes for onnxruntime-node only when a graph is to run: an n-gram directory never pays for it.
      ...(wanted === 'core'
        ? {}
        : { createSession: async (bytes: Uint8Array) => graphSessionOf(await createSession((await resolveRuntime(wanted)) as OrtRuntime, bytes)) }),
    });
  } catch (error) {
    throw namingFile(error);
  }
}

/** core's error with the file at fault (`details.location`, a path here) at the front of its message. */
function namingFile(error: unknown): unknown {
  if (!isSeqlmError(error)) return error;
  const details = error.details ?? {};
  const { location, manifest } = details;
  if (typeof location !== 'string' || error.message.includes(location)) return error;
  const message =
    error.code === 'HASH_MISMATCH' && typeof manifest === 'string'
      ? `${location} does not match ${manifest}: ${mismatch(details) ?? error.message} (the file is corrupted or was replaced)`
      : `${location}: ${error.message}`;
  return new SeqlmError(error.code, message, details, { cause: error });
}

/** What differs, from core's `verifyFile` details: the size, else the hash. */
function mismatch(details: Readonly<Record<string, unknown>>): string | undefined {
  if (typeof details['actualBytes'] === 'number') return `${details['actualBytes']} bytes, the manifest says ${String(details['expectedBytes'])}`;
  if (typeof details['expected'] === 'string') return `its sha256 differs from the manifest's ${details['expected']}`;
  return undefined;
}
