import { describe, expect, it } from 'vitest';
import { Rng } from '../random/index.ts';
import type { RnnConfig } from './config.ts';
import { RnnModel, type SequenceBatch } from './model.ts';
import type { RnnState } from './state.ts';

function randomBatch(rng: Rng, V: number, B: number, T: number): SequenceBatch {
  const X = new Int32Array(B * T).map(() => rng.int(V));
  const Y = new Int32Array(B * T).map(() => rng.int(V));
  return { X, Y, batchSize: B, numSteps: T };
}

/** A non-zero carried state, as between sequential batches. */
function randomState(model: RnnModel, rng: Rng, B: number): RnnState {
  const s = model.initialState(B);
  for (let i = 0; i < s.h.length; i++) s.h[i] = rng.uniform(-0.8, 0.8);
  if (s.c !== null) for (let i = 0; i < s.c.length; i++) s.c[i] = rng.uniform(-1.5, 1.5);
  return s;
}

interface CheckResult {
  name: string;
  relError: number;
  maxElementError: number;
}

/**
 * Central differences (L(θ+ε) − L(θ−ε)) / 2ε on every parameter element, in
 * float64: truncation error is O(ε²) ≈ 1e-12 and rounding ≈ 1e-16/ε ≈ 1e-11,
 * both far below the 1e-5 relative tolerance.
 */
function gradientCheck(config: RnnConfig, B: number, T: number, seed: number): CheckResult[] {
  const rng = new Rng(seed);
  const model = new RnnModel(config, { dtype: 'float64', init: { scheme: 'normal', scale: 0.6 }, seed });
  const batch = randomBatch(rng, config.vocabSize, B, T);
  const state = randomState(model, rng, B);
  model.lossAndGradient(batch, state);
  const params = model.trainables();
  const analytic = params.map((p) => Float64Array.from(p.grad));
  const eps = 1e-5;
  return params.map((p, k) => {
    const a = analytic[k]!;
    let diff2 = 0;
    let a2 = 0;
    let n2 = 0;
    let maxElementError = 0;
    for (let i = 0; i < p.value.length; i++) {
      const saved = p.value[i]!;
      p.value[i] = saved + eps;
      model.parametersChanged();
      const up = model.loss(batch, state).loss;
      p.value[i] = saved - eps;
      model.parametersChanged();
      const down = model.loss(batch, state).loss;
      p.value[i] = saved;
      model.parametersChanged();
      const numeric = (up - down) / (2 * eps);
      const d = a[i]! - numeric;
      diff2 += d * d;
      a2 += a[i]! * a[i]!;
      n2 += numeric * numeric;
      maxElementError = Math.max(maxElementError, Math.abs(d) / Math.max(Math.abs(a[i]!), Math.abs(numeric), 1e-6));
    }
    const denom = Math.max(Math.sqrt(a2), Math.sqrt(n2));
    return { name: p.name, relError: denom === 0 ? 0 : Math.sqrt(diff2) / denom, maxElementError };
  });
}

const CASES: { label: string; config: Omit<RnnConfig, 'numLayers'> }[] = [
  { label: 'rnn', config: { cell: 'rnn', vocabSize: 6, hiddenSize: 5 } },
  { label: 'gru linear_before_reset=0', config: { cell: 'gru', vocabSize: 6, hiddenSize: 5 } },
  { label: 'gru linear_before_reset=1', config: { cell: 'gru', vocabSize: 6, hiddenSize: 5, linearBeforeReset: 1 } },
  { label: 'lstm', config: { cell: 'lstm', vocabSize: 6, hiddenSize: 5 } },
];

describe('BPTT gradients match central finite differences (float64, relative error < 1e-5)', () => {
  for (const { label, config } of CASES) {
    for (const numLayers of [1, 2]) {
      // B = 5, H = 5 exercise both the 4×4 tiles and the leftover rows/columns of the matrix products.
      it(`${label}, ${numLayers} layer(s), one-hot input`, () => {
        const results = gradientCheck({ ...config, numLayers }, 5, 4, 11 + numLayers);
        expect(results.length).toBe(numLayers * (config.linearBeforeReset === 1 ? 4 : 3) + 2);
        for (const r of results) {
          expect(r.relError, r.name).toBeLessThan(1e-5);
          expect(r.maxElementError, r.name).toBeLessThan(1e-4);
        }
      });
    }
    it(`${label}, 2 layers, learned embedding input`, () => {
      const results = gradientCheck({ ...config, numLayers: 2, embeddingSize: 3 }, 2, 3, 7);
      expect(results[0]!.name).toBe('embedding');
      for (const r of results) expect(r.relError, r.name).toBeLessThan(1e-5);
    });
  }
});
