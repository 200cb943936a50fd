/**
 * The second thread of ParallelCoreEngine: a replica of the model that, per
 * step, copies the shared parameters in, runs forward + BPTT on its rows of
 * the batch (carrying its own recurrent state) and writes its gradients into
 * its shared slot. The optimizer runs on the main thread only.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { RnnModel, type RnnState, type Trainable } from '@seqlm/core/rnn';
import type { EngineSpec } from './engine.ts';

interface Init {
  spec: EngineSpec;
  params: SharedArrayBuffer;
  grads: SharedArrayBuffer;
}

export interface WorkerStep {
  X: Int32Array;
  Y: Int32Array;
  batchSize: number;
  numSteps: number;
  reset: boolean;
}

export type WorkerReply = { ok: true; loss: number; tokens: number } | { ok: false; code: string | null; message: string };

const { spec, params, grads } = workerData as Init;
const model = new RnnModel(spec.model, { seed: spec.seed, init: spec.init, kernels: 'wasm' });
const trainables: Trainable[] = model.trainables();
const shared = new Float32Array(params);
const out = new Float32Array(grads);
let state: RnnState | undefined;

parentPort!.on('message', (m: WorkerStep) => {
  try {
    if (m.reset) state = undefined;
    let o = 0;
    for (const p of trainables) {
      p.value.set(shared.subarray(o, o + p.value.length));
      o += p.value.length;
    }
    model.parametersChanged();
    const r = model.lossAndGradient({ X: m.X, Y: m.Y, batchSize: m.batchSize, numSteps: m.numSteps }, state);
    state = r.state;
    o = 0;
    for (const p of trainables) {
      out.set(p.grad, o);
      o += p.grad.length;
    }
    parentPort!.postMessage({ ok: true, loss: r.loss, tokens: r.tokens } satisfies WorkerReply);
  } catch (error) {
    const code = typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : null;
    parentPort!.postMessage({ ok: false, code, message: error instanceof Error ? error.message : String(error) } satisfies WorkerReply);
  }
});
