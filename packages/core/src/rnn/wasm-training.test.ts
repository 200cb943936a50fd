import { describe, expect, it } from 'vitest';
import { Rng } from '../random/index.ts';
import type { RnnConfig } from './config.ts';
import { RnnModel, type SequenceBatch } from './model.ts';
import { Adam } from './optimizers.ts';
import { clipGradNorm } from './clip.ts';

function randomBatch(rng: Rng, V: number, B: number, T: number): SequenceBatch {
  return { X: new Int32Array(B * T).map(() => rng.int(V)), Y: new Int32Array(B * T).map(() => rng.int(V)), batchSize: B, numSteps: T };
}

const CASES: { label: string; config: RnnConfig }[] = [
  { label: 'rnn', config: { cell: 'rnn', vocabSize: 7, hiddenSize: 13 } },
  { label: 'gru linear_before_reset=0', config: { cell: 'gru', vocabSize: 7, hiddenSize: 13 } },
  { label: 'gru linear_before_reset=1, 2 layers', config: { cell: 'gru', vocabSize: 7, hiddenSize: 13, linearBeforeReset: 1, numLayers: 2 } },
  { label: 'lstm, 2 layers, embedding', config: { cell: 'lstm', vocabSize: 7, hiddenSize: 13, numLayers: 2, embeddingSize: 5 } },
];

describe('training on the wasm SIMD kernels', () => {
  for (const { label, config } of CASES) {
    it(`${label}: float32 wasm gradients agree with the float64 TypeScript reference to 1e-4 relative`, () => {
      const rng = new Rng(17);
      const init = new RnnModel(config, { seed: 3, init: { scheme: 'normal', scale: 0.5 }, kernels: 'ts' });
      const params = init.parameters();
      const wasm = RnnModel.fromParameters(config, params, { kernels: 'wasm' });
      const ref = RnnModel.fromParameters(config, params, { dtype: 'float64' });
      expect(wasm.kernels).toMatch(/^wasm/);
      expect(ref.kernels).toBe('ts');
      const B = 6;
      const T = 5;
      const batch = randomBatch(rng, config.vocabSize, B, T);
      const state = ref.initialState(B);
      for (let i = 0; i < state.h.length; i++) state.h[i] = rng.uniform(-0.8, 0.8);
      if (state.c !== null) for (let i = 0; i < state.c.length; i++) state.c[i] = rng.uniform(-1, 1);
      const s32 = { ...state, h: Float32Array.from(state.h), c: state.c === null ? null : Float32Array.from(state.c) };
      const l32 = wasm.lossAndGradient(batch, s32).loss;
      const l64 = ref.lossAndGradient(batch, state).loss;
      expect(Math.abs(l32 - l64) / l64).toBeLessThan(1e-5);
      const g32 = wasm.trainables();
      const g64 = ref.trainables();
      g64.forEach((p, k) => {
        const q = g32[k]!;
        expect(q.name).toBe(p.name);
        let d2 = 0;
        let n2 = 0;
        for (let i = 0; i < p.grad.length; i++) {
          d2 += (q.grad[i]! - p.grad[i]!) ** 2;
          n2 += p.grad[i]! ** 2;
        }
        expect(Math.sqrt(d2 / Math.max(n2, 1e-30)), p.name).toBeLessThan(1e-4);
      });
    });
  }

  it('single-thread training with a fixed seed is bit-reproducible', () => {
    const run = (): Uint8Array[] => {
      const rng = new Rng(9);
      const model = new RnnModel({ cell: 'gru', vocabSize: 11, hiddenSize: 24 }, { seed: 4, kernels: 'wasm', init: { scheme: 'glorot-uniform' } });
      const opt = new Adam({ lr: 0.01 });
      const params = model.trainables();
      let state = model.initialState(8);
      for (let i = 0; i < 4; i++) {
        state = model.lossAndGradient(randomBatch(rng, 11, 8, 6), state).state;
        clipGradNorm(params, 1);
        opt.step(params);
        model.parametersChanged();
      }
      return params.map((p) => new Uint8Array(p.value.buffer.slice(p.value.byteOffset, p.value.byteOffset + p.value.byteLength)));
    };
    const a = run();
    const b = run();
    a.forEach((bytes, i) => expect(Buffer.compare(bytes, b[i]!), `parameter ${i}`).toBe(0));
  });

  it('float64 and explicit ts models stay on the TypeScript reference; wasm with float64 is refused', () => {
    expect(new RnnModel({ cell: 'rnn', vocabSize: 3, hiddenSize: 2 }, { dtype: 'float64' }).kernels).toBe('ts');
    expect(new RnnModel({ cell: 'rnn', vocabSize: 3, hiddenSize: 2 }, { kernels: 'ts' }).kernels).toBe('ts');
    expect(() => new RnnModel({ cell: 'rnn', vocabSize: 3, hiddenSize: 2 }, { dtype: 'float64', kernels: 'wasm' })).toThrow(/float32 only/);
  });
});
