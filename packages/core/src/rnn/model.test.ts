import { describe, expect, it } from 'vitest';
import { SeqlmError } from '../errors/index.ts';
import { Rng } from '../random/index.ts';
import { GATE_ORDER, resolveConfig, type RnnConfig } from './config.ts';
import { RnnModel, type NamedTensor } from './model.ts';
import { selectStateRows } from './state.ts';

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * The cell equations written out per unit and per sequence, independently of
 * the fused, batched kernels: one row of the batch at a time, plain numbers,
 * gate blocks cut from W [in, G·H] by GATE_ORDER.
 */
function referenceLogits(config: RnnConfig, p: Record<string, NamedTensor>, X: Int32Array, B: number, T: number): number[][] {
  const c = resolveConfig(config);
  const { vocabSize: V, hiddenSize: H, numLayers: L } = c;
  const G = GATE_ORDER[c.cell].length;
  const W = (name: string) => p[name]!.data;
  // x (len n) times block `gate` of W [n, G·H].
  const mul = (x: number[], w: Float32Array, gate: number): number[] =>
    Array.from({ length: H }, (_, j) => x.reduce((s, xi, i) => s + xi * w[i * G * H + gate * H + j]!, 0));
  const out: number[][] = new Array<number[]>(T * B);
  for (let b = 0; b < B; b++) {
    const hs = Array.from({ length: L }, () => new Array<number>(H).fill(0));
    const cs = Array.from({ length: L }, () => new Array<number>(H).fill(0));
    for (let t = 0; t < T; t++) {
      const tok = X[b * T + t]!;
      let x: number[] =
        c.embeddingSize === null
          ? Array.from({ length: V }, (_, i) => (i === tok ? 1 : 0))
          : Array.from(W('embedding').subarray(tok * c.embeddingSize, (tok + 1) * c.embeddingSize));
      for (let l = 0; l < L; l++) {
        const Wx = W(`layers.${l}.W_x`);
        const Wh = W(`layers.${l}.W_h`);
        const bias = W(`layers.${l}.b`);
        const h = hs[l]!;
        const pre = (gate: number, hin: number[]) => {
          const a = mul(x, Wx, gate);
          const r = mul(hin, Wh, gate);
          return a.map((v, j) => v + r[j]! + bias[gate * H + j]!);
        };
        let hNew: number[];
        if (c.cell === 'rnn') {
          hNew = pre(0, h).map(Math.tanh);
        } else if (c.cell === 'gru') {
          const z = pre(0, h).map(sigmoid);
          const r = pre(1, h).map(sigmoid);
          let cand: number[];
          if (c.linearBeforeReset === 0) {
            cand = pre(2, h.map((v, j) => r[j]! * v)).map(Math.tanh);
          } else {
            const xn = mul(x, Wx, 2);
            const hn = mul(h, Wh, 2);
            const bhn = W(`layers.${l}.b_hn`);
            cand = xn.map((v, j) => Math.tanh(v + bias[2 * H + j]! + r[j]! * (hn[j]! + bhn[j]!)));
          }
          hNew = h.map((v, j) => z[j]! * v + (1 - z[j]!) * cand[j]!);
        } else {
          const i = pre(0, h).map(sigmoid);
          const f = pre(1, h).map(sigmoid);
          const g = pre(2, h).map(Math.tanh);
          const o = pre(3, h).map(sigmoid);
          const cNew = cs[l]!.map((v, j) => f[j]! * v + i[j]! * g[j]!);
          cs[l] = cNew;
          hNew = cNew.map((v, j) => o[j]! * Math.tanh(v));
        }
        hs[l] = hNew;
        x = hNew;
      }
      const Whq = W('W_hq');
      const bq = W('b_q');
      out[t * B + b] = Array.from({ length: V }, (_, v) => x.reduce((s, xi, k) => s + xi * Whq[k * V + v]!, bq[v]!));
    }
  }
  return out;
}

const CONFIGS: RnnConfig[] = [
  { cell: 'rnn', vocabSize: 7, hiddenSize: 6, numLayers: 2 },
  { cell: 'gru', vocabSize: 7, hiddenSize: 6, numLayers: 2 },
  { cell: 'gru', vocabSize: 7, hiddenSize: 5, numLayers: 1, linearBeforeReset: 1, embeddingSize: 4 },
  { cell: 'lstm', vocabSize: 7, hiddenSize: 6, numLayers: 2 },
  { cell: 'lstm', vocabSize: 7, hiddenSize: 5, numLayers: 1, embeddingSize: 3 },
];

function label(c: RnnConfig): string {
  return `${c.cell}${c.linearBeforeReset === 1 ? ' (linear_before_reset=1)' : ''}, L=${c.numLayers}, ${c.embeddingSize ? 'embedding' : 'one-hot'}`;
}

describe('RnnModel forward follows the cell equations', () => {
  for (const config of CONFIGS) {
    it(`${label(config)}: batched fused forward equals the per-row reference`, () => {
      const B = 5;
      const T = 4;
      const rng = new Rng(9);
      const X = new Int32Array(B * T).map(() => rng.int(config.vocabSize));
      const model32 = new RnnModel(config, { seed: 5, init: { scheme: 'normal', scale: 0.5 } });
      const params = model32.parameters();
      const expected = referenceLogits(config, params, X, B, T);
      // The float64 model gets the same (float32-representable) weights, so only the arithmetic differs.
      const model64 = RnnModel.fromParameters(config, params, { dtype: 'float64' });
      const wasm32 = RnnModel.fromParameters(config, params, { kernels: 'wasm' });
      for (const [dtype, model] of [['float64', model64], ['float32', model32], ['float32', wasm32]] as const) {
        const { logits } = model.forward(X, B, T);
        // float64 agrees to rounding; float32 within its precision on O(1) values.
        const digits = dtype === 'float64' ? 12 : 5;
        for (let r = 0; r < T * B; r++) for (let v = 0; v < config.vocabSize; v++) expect(logits[r * config.vocabSize + v]).toBeCloseTo(expected[r]![v]!, digits);
      }
    });

    it(`${label(config)}: stepping token by token reproduces the sequence forward`, () => {
      const B = 3;
      const T = 5;
      const V = config.vocabSize;
      const rng = new Rng(2);
      const X = new Int32Array(B * T).map(() => rng.int(V));
      const model = new RnnModel(config, { seed: 8, init: { scheme: 'glorot-uniform' } });
      const full = model.forward(X, B, T);
      let state = model.initialState(B);
      for (let t = 0; t < T; t++) {
        const ids = Int32Array.from({ length: B }, (_, b) => X[b * T + t]!);
        const before = state.h.slice();
        const out = model.step(state, ids);
        expect(state.h).toEqual(before); // the given state is not mutated
        expect(out.logits).toBeInstanceOf(Float32Array);
        for (let b = 0; b < B; b++) for (let v = 0; v < V; v++) expect(out.logits[b * V + v]).toBeCloseTo(full.logits[(t * B + b) * V + v]!, 5);
        state = out.state;
      }
      expect(state.h).toEqual(full.state.h);
    });

    it(`${label(config)}: hiddenStates holds the top layer's h_t of every step`, () => {
      const B = 2;
      const T = 4;
      const { hiddenSize: H, numLayers: L } = resolveConfig(config);
      const rng = new Rng(4);
      const X = new Int32Array(B * T).map(() => rng.int(config.vocabSize));
      const model = new RnnModel(config, { seed: 3, init: { scheme: 'glorot-uniform' } });
      const hidden = model.hiddenStates(X, B, T); // [T, B, H]
      expect(hidden).toHaveLength(T * B * H);
      let state = model.initialState(B);
      for (let t = 0; t < T; t++) {
        state = model.step(state, Int32Array.from({ length: B }, (_, b) => X[b * T + t]!)).state;
        const top = state.h.subarray((L - 1) * B * H, L * B * H); // [B, H]
        let worst = 0;
        for (let i = 0; i < B * H; i++) worst = Math.max(worst, Math.abs(top[i]! - hidden[t * B * H + i]!));
        expect(worst).toBeLessThan(1e-6);
      }
    });
  }

  it('continuing from a carried state equals one longer sequence', () => {
    const config: RnnConfig = { cell: 'lstm', vocabSize: 6, hiddenSize: 4, numLayers: 2 };
    const model = new RnnModel(config, { dtype: 'float64', seed: 1, init: { scheme: 'normal', scale: 0.5 } });
    const rng = new Rng(4);
    const B = 2;
    const X = new Int32Array(B * 6).map(() => rng.int(6));
    const firstHalf = Int32Array.from({ length: B * 3 }, (_, i) => X[Math.floor(i / 3) * 6 + (i % 3)]!);
    const secondHalf = Int32Array.from({ length: B * 3 }, (_, i) => X[Math.floor(i / 3) * 6 + 3 + (i % 3)]!);
    const whole = model.forward(X, B, 6);
    const a = model.forward(firstHalf, B, 3);
    const b = model.forward(secondHalf, B, 3, a.state);
    for (let i = 0; i < b.logits.length; i++) expect(b.logits[i]).toBeCloseTo(whole.logits[3 * B * 6 + i]!, 12);
    expect(b.state.c).toEqual(whole.state.c);
  });
});

describe('RnnModel parameters', () => {
  it('lists named tensors with D2L shapes and the ONNX-named GRU reset bias', () => {
    const model = new RnnModel({ cell: 'gru', vocabSize: 28, hiddenSize: 8, numLayers: 2, linearBeforeReset: 1 });
    const shapes = Object.fromEntries(Object.entries(model.parameters()).map(([k, v]) => [k, v.shape]));
    expect(shapes).toEqual({
      'layers.0.W_x': [28, 24],
      'layers.0.W_h': [8, 24],
      'layers.0.b': [24],
      'layers.0.b_hn': [8],
      'layers.1.W_x': [8, 24],
      'layers.1.W_h': [8, 24],
      'layers.1.b': [24],
      'layers.1.b_hn': [8],
      W_hq: [8, 28],
      b_q: [28],
    });
    expect(model.parameterCount).toBe(28 * 24 + 8 * 24 + 24 + 8 + 8 * 24 * 2 + 24 + 8 + 8 * 28 + 28);
  });

  it('initialises deterministically from the seed; biases start at zero', () => {
    const config: RnnConfig = { cell: 'lstm', vocabSize: 5, hiddenSize: 4 };
    const a = new RnnModel(config, { seed: 3 }).parameters();
    const b = new RnnModel(config, { seed: 3 }).parameters();
    const c = new RnnModel(config, { seed: 4 }).parameters();
    expect(a).toEqual(b);
    expect(a['layers.0.W_x']!.data).not.toEqual(c['layers.0.W_x']!.data);
    expect([...a['layers.0.b']!.data].every((v) => v === 0)).toBe(true);
  });

  it('glorot-uniform stays within ±√(6/(fan_in+fan_out))', () => {
    const p = new RnnModel({ cell: 'gru', vocabSize: 10, hiddenSize: 6 }, { init: { scheme: 'glorot-uniform' }, seed: 1 }).parameters();
    const w = p['layers.0.W_h']!.data; // [6, 18]
    const limit = Math.sqrt(6 / (6 + 18));
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(limit * 0.8);
  });

  it('round-trips through fromParameters with identical outputs', () => {
    const config: RnnConfig = { cell: 'gru', vocabSize: 9, hiddenSize: 6, numLayers: 2, embeddingSize: 4 };
    const model = new RnnModel(config, { seed: 12, init: { scheme: 'glorot-uniform' } });
    const copy = RnnModel.fromParameters(config, model.parameters());
    const fromMap = RnnModel.fromParameters(config, new Map(Object.entries(model.parameters())));
    const X = Int32Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(copy.forward(X, 2, 4).logits).toEqual(model.forward(X, 2, 4).logits);
    expect(fromMap.parameters()).toEqual(model.parameters());
  });

  it('refuses missing, extra, misshapen or non-finite tensors', () => {
    const config: RnnConfig = { cell: 'rnn', vocabSize: 4, hiddenSize: 3 };
    const good = new RnnModel(config).parameters();
    const { b_q: _dropped, ...missing } = good;
    expect(() => RnnModel.fromParameters(config, missing)).toThrow(expect.objectContaining({ code: 'WEIGHTS_INVALID' }));
    expect(() => RnnModel.fromParameters(config, { ...good, extra: { shape: [1], data: new Float32Array(1) } })).toThrow(expect.objectContaining({ code: 'WEIGHTS_INVALID' }));
    expect(() => RnnModel.fromParameters(config, { ...good, b_q: { shape: [5], data: new Float32Array(5) } })).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    expect(() => RnnModel.fromParameters(config, { ...good, b_q: { shape: [4], data: Float32Array.from([0, Number.NaN, 0, 0]) } })).toThrow(expect.objectContaining({ code: 'NON_FINITE' }));
  });
});

describe('RnnModel input validation', () => {
  const model = new RnnModel({ cell: 'gru', vocabSize: 5, hiddenSize: 4 });

  it('rejects bad configs', () => {
    expect(() => new RnnModel({ cell: 'gru', vocabSize: 0, hiddenSize: 4 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => new RnnModel({ cell: 'lstm', vocabSize: 5, hiddenSize: 4, linearBeforeReset: 1 })).toThrow(SeqlmError);
    expect(() => new RnnModel({ cell: 'transformer' as 'gru', vocabSize: 5, hiddenSize: 4 })).toThrow(SeqlmError);
    expect(() => new RnnModel({ cell: 'rnn', vocabSize: 5, hiddenSize: 4, numLayers: 1.5 })).toThrow(SeqlmError);
  });

  it('rejects out-of-vocabulary ids, wrong lengths and mismatched states', () => {
    expect(() => model.step(model.initialState(1), Int32Array.from([5]))).toThrow(expect.objectContaining({ code: 'VOCAB_OOV' }));
    expect(() => model.step(model.initialState(2), Int32Array.from([1]))).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    expect(() => model.forward(new Int32Array(5), 2, 3)).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    const other = new RnnModel({ cell: 'gru', vocabSize: 5, hiddenSize: 3 });
    expect(() => model.step(other.initialState(1), Int32Array.from([1]))).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    const batch = { X: new Int32Array(4), Y: Int32Array.from([0, 1, 2, 9]), batchSize: 2, numSteps: 2 };
    expect(() => model.lossAndGradient(batch)).toThrow(expect.objectContaining({ code: 'VOCAB_OOV' }));
    expect(() => model.initialState(0)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('a zero-weight model predicts uniformly: loss log V', () => {
    const zero = RnnModel.fromParameters(
      { cell: 'lstm', vocabSize: 5, hiddenSize: 4 },
      Object.fromEntries(Object.entries(new RnnModel({ cell: 'lstm', vocabSize: 5, hiddenSize: 4 }).parameters()).map(([k, v]) => [k, { shape: v.shape, data: new Float32Array(v.data.length) }])),
    );
    const { loss } = zero.loss({ X: Int32Array.from([0, 1, 2, 3]), Y: Int32Array.from([1, 2, 3, 4]), batchSize: 1, numSteps: 4 });
    expect(loss).toBeCloseTo(Math.log(5), 6);
  });
});

describe('selectStateRows', () => {
  it('gathers batch rows in every layer (beam reordering)', () => {
    const model = new RnnModel({ cell: 'lstm', vocabSize: 5, hiddenSize: 2, numLayers: 2 });
    const s = model.initialState(3);
    s.h.set([1, 1, 2, 2, 3, 3, 11, 11, 12, 12, 13, 13]); // [L=2, B=3, H=2]
    s.c!.set(s.h.map((v) => -v));
    const picked = selectStateRows(s, [2, 2, 0, 1]);
    expect(picked.batchSize).toBe(4);
    expect([...picked.h]).toEqual([3, 3, 3, 3, 1, 1, 2, 2, 13, 13, 13, 13, 11, 11, 12, 12]);
    expect([...picked.c!]).toEqual([...picked.h].map((v) => -v));
    expect(() => selectStateRows(s, [3])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
