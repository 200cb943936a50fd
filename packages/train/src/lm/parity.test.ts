import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Rng } from '@seqlm/core/random';
import { Adam, RnnModel, Sgd, clipGradNorm, type CellKind, type RnnConfig } from '@seqlm/core/rnn';
import { selectBackend } from '../tfjs/backend.ts';
import { TfRnnModel, timeMajor } from './model.ts';
import { TfOptimizer } from './optimizer.ts';
import { disposeState, lossAndGradients, trainStep } from './train-step.ts';

/** max_i |a_i − b_i| / max_i |b_i|: the error relative to the tensor's scale, so near-zero entries do not divide by ~0. */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

function randomBatch(seed: number, V: number, B: number, T: number): { X: Int32Array; Y: Int32Array } {
  const rng = new Rng(seed);
  return { X: Int32Array.from({ length: B * T }, () => rng.int(V)), Y: Int32Array.from({ length: B * T }, () => rng.int(V)) };
}

const V = 7;
const H = 5;
const B = 3;
const T = 4;
const CASES: { cell: CellKind; numLayers: number; extra?: Partial<RnnConfig> }[] = [
  { cell: 'rnn', numLayers: 1 },
  { cell: 'rnn', numLayers: 2 },
  { cell: 'gru', numLayers: 1 },
  { cell: 'gru', numLayers: 2 },
  { cell: 'lstm', numLayers: 1 },
  { cell: 'lstm', numLayers: 2 },
  { cell: 'gru', numLayers: 1, extra: { linearBeforeReset: 1 } },
  { cell: 'lstm', numLayers: 2, extra: { embeddingSize: 3 } },
];

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`TF.js vs core BPTT on the ${backend} backend`, () => {
    for (const { cell, numLayers, extra } of CASES) {
      const label = `${cell}, ${numLayers} layer${numLayers > 1 ? 's' : ''}${extra ? ` ${JSON.stringify(extra)}` : ''}`;
      it(`gives the same loss and every gradient to 1e-4 (${label})`, async () => {
        await selectBackend(backend);
        const config: RnnConfig = { cell, vocabSize: V, hiddenSize: H, numLayers, ...extra };
        // A scale of 0.5 makes every gate work (D2L's 0.01 leaves the cells almost linear).
        const core = new RnnModel(config, { seed: 3, init: { scheme: 'normal', scale: 0.5 } });
        const { X, Y } = randomBatch(11, V, B, T);
        // A non-zero carried state exercises the h0 (and c0) path: take core's state after one batch.
        const warm = core.loss({ ...randomBatch(12, V, B, T), batchSize: B, numSteps: T });
        const reference = core.lossAndGradient({ X, Y, batchSize: B, numSteps: T }, warm.state);

        const model = TfRnnModel.fromParameters(config, core.parameters());
        const L = numLayers;
        const layerRows = (x: Float32Array | Float64Array, l: number) => tf.tensor2d(Float32Array.from(x.subarray(l * B * H, (l + 1) * B * H)), [B, H]);
        const state = {
          h: Array.from({ length: L }, (_, l) => layerRows(warm.state.h, l)),
          c: warm.state.c === null ? null : Array.from({ length: L }, (_, l) => layerRows(warm.state.c!, l)),
        };
        const out = lossAndGradients(model, { tokens: timeMajor(X, B, T), targets: timeMajor(Y, B, T), B, T }, state);
        try {
          expect(Math.abs(out.loss.dataSync()[0]! - reference.loss) / reference.loss).toBeLessThan(1e-4);
          // The final state carried to the next batch matches too.
          for (let l = 0; l < L; l++) {
            expect(relativeError(out.state.h[l]!.dataSync(), reference.state.h.subarray(l * B * H, (l + 1) * B * H))).toBeLessThan(1e-4);
          }
          const grads = new Map(core.trainables().map((t) => [t.name, t.grad]));
          expect([...out.grads.keys()]).toEqual([...grads.keys()]);
          for (const [name, g] of out.grads) {
            const err = relativeError(g.dataSync(), grads.get(name)!);
            expect(err, `gradient of ${name}`).toBeLessThan(1e-4);
          }
        } finally {
          out.loss.dispose();
          for (const g of out.grads.values()) g.dispose();
          disposeState(out.state);
          disposeState(state);
          model.dispose();
        }
      });
    }

    for (const kind of ['sgd', 'adam'] as const) {
      it(`follows core's clipped ${kind} trajectory over 5 steps (GRU)`, async () => {
        await selectBackend(backend);
        const config: RnnConfig = { cell: 'gru', vocabSize: V, hiddenSize: H, numLayers: 1 };
        const core = new RnnModel(config, { seed: 5, init: { scheme: 'normal', scale: 0.5 } });
        const model = TfRnnModel.fromParameters(config, core.parameters());
        const lr = kind === 'sgd' ? 0.5 : 0.05;
        const coreOpt = kind === 'sgd' ? new Sgd({ lr }) : new Adam({ lr });
        const tfOpt = new TfOptimizer({ kind, lr });
        // θ = 0.3 is below the gradient norms here, so clipping changes every step.
        const theta = 0.3;
        let clipped = 0;
        for (let step = 0; step < 5; step++) {
          const { X, Y } = randomBatch(100 + step, V, B, T);
          core.lossAndGradient({ X, Y, batchSize: B, numSteps: T });
          if (clipGradNorm(core.trainables(), theta) > theta) clipped++;
          coreOpt.step(core.trainables());
          const r = trainStep(model, tfOpt, { tokens: timeMajor(X, B, T), targets: timeMajor(Y, B, T), B, T }, null, { clip: theta });
          disposeState(r.state);
        }
        expect(clipped).toBeGreaterThan(0);
        const coreParams = core.parameters();
        for (const [name, t] of model.parameters()) {
          expect(relativeError(t.data, coreParams[name]!.data), name).toBeLessThan(1e-4);
        }
        tfOpt.dispose();
        model.dispose();
      });
    }
  });
}
