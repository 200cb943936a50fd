import { Worker } from 'node:worker_threads';
import { SeqlmError } from '@seqlm/core/errors';
import type { Trainable } from '@seqlm/core/rnn';
import type { WorkerReply, WorkerStep } from './core-worker.ts';
import type { EngineSpec } from './engine.ts';

/** The worker script beside this module: .ts when running from source, .js from dist. */
function workerUrl(): URL {
  return new URL(import.meta.url.endsWith('.ts') ? './core-worker.ts' : './core-worker.js', import.meta.url);
}

/**
 * A worker_threads replica computing the gradient of part of each batch.
 * Parameters go in and gradients come out through SharedArrayBuffers laid
 * out as the trainables concatenated in order, so a step costs two copies of
 * the parameter vector and one message each way.
 */
export class GradientWorker {
  readonly #worker: Worker;
  readonly #params: Float32Array;
  readonly grads: Float32Array;
  #pending: { resolve: (r: WorkerReply) => void; reject: (e: unknown) => void } | null = null;

  constructor(spec: EngineSpec, size: number) {
    const params = new SharedArrayBuffer(size * 4);
    const grads = new SharedArrayBuffer(size * 4);
    this.#params = new Float32Array(params);
    this.grads = new Float32Array(grads);
    // A parent started with `--input-type` (node -e) would pass it on, and a worker file refuses it.
    const execArgv = process.execArgv.filter((a) => !a.startsWith('--input-type'));
    this.#worker = new Worker(workerUrl(), { workerData: { spec, params, grads }, execArgv });
    this.#worker.on('message', (r: WorkerReply) => {
      const p = this.#pending;
      this.#pending = null;
      p?.resolve(r);
    });
    this.#worker.on('error', (e) => {
      const p = this.#pending;
      this.#pending = null;
      p?.reject(e);
    });
    // An idle worker must not keep the process alive after training.
    this.#worker.unref();
  }

  /** Publishes the current parameters and starts the worker on its rows; resolves with its loss once its gradients are in `grads`. */
  start(trainables: readonly Trainable[], step: WorkerStep): Promise<WorkerReply> {
    if (this.#pending !== null) throw new SeqlmError('INVALID_ARGUMENT', 'the gradient worker is already busy');
    let o = 0;
    for (const p of trainables) {
      this.#params.set(p.value, o);
      o += p.value.length;
    }
    const reply = new Promise<WorkerReply>((resolve, reject) => (this.#pending = { resolve, reject }));
    this.#worker.ref();
    this.#worker.postMessage(step);
    return reply.finally(() => this.#worker.unref());
  }

  terminate(): void {
    void this.#worker.terminate();
  }
}
