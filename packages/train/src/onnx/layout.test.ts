import { describe, expect, it } from 'vitest';
import { resolveConfig } from '@seqlm/core/rnn';
import { gatePermutation, onnxGateOrder, toOnnxLayer, type FloatTensor } from './layout.ts';

/** Each entry encodes its own position, so a misplaced value names where it came from. */
function coded(shape: number[], tag: number): FloatTensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return { shape, data: Float32Array.from({ length: size }, (_, i) => tag * 1000 + i) };
}

describe('gate order', () => {
  it('maps ONNX LSTM i,o,f,c onto seqlm i,f,c,o and keeps GRU z,r,h', () => {
    expect(onnxGateOrder('lstm')).toEqual(['i', 'o', 'f', 'c']);
    // ONNX position → seqlm index: i is 0, o is 3, f is 1, c is 2.
    expect(gatePermutation('lstm')).toEqual([0, 3, 1, 2]);
    expect(gatePermutation('gru')).toEqual([0, 1, 2]);
    expect(gatePermutation('rnn')).toEqual([0]);
  });
});

describe('toOnnxLayer', () => {
  it('transposes W_x and W_h, moves LSTM gate blocks and puts the bias in Wb with Rb = 0', () => {
    const H = 2;
    const inSize = 3;
    const config = resolveConfig({ cell: 'lstm', vocabSize: inSize, hiddenSize: H });
    const Wx = coded([inSize, 4 * H], 1);
    const Wh = coded([H, 4 * H], 2);
    const b = coded([4 * H], 3);
    const { W, R, B } = toOnnxLayer(config, { 'layers.0.W_x': Wx, 'layers.0.W_h': Wh, 'layers.0.b': b }, 0);
    // ONNX block 1 is o = seqlm block 3: W[0, 1·H + j, k] = W_x[k, 3·H + j].
    for (let j = 0; j < H; j++) {
      for (let k = 0; k < inSize; k++) {
        expect(W[(1 * H + j) * inSize + k]).toBe(Wx.data[k * 4 * H + 3 * H + j]);
        expect(W[(2 * H + j) * inSize + k]).toBe(Wx.data[k * 4 * H + 1 * H + j]); // f
        expect(W[(3 * H + j) * inSize + k]).toBe(Wx.data[k * 4 * H + 2 * H + j]); // c
        expect(W[(0 * H + j) * inSize + k]).toBe(Wx.data[k * 4 * H + 0 * H + j]); // i
      }
      for (let k = 0; k < H; k++) expect(R[(1 * H + j) * H + k]).toBe(Wh.data[k * 4 * H + 3 * H + j]);
      expect(B[1 * H + j]).toBe(b.data[3 * H + j]);
    }
    expect(Array.from(B.subarray(4 * H))).toEqual(new Array(4 * H).fill(0));
  });

  it('puts the GRU b_hn (linear_before_reset = 1) in the candidate block of Rb only', () => {
    const H = 2;
    const config = resolveConfig({ cell: 'gru', vocabSize: 2, hiddenSize: H, linearBeforeReset: 1 });
    const bhn = { shape: [H], data: Float32Array.of(7, 8) };
    const { B } = toOnnxLayer(
      config,
      { 'layers.0.W_x': coded([2, 3 * H], 1), 'layers.0.W_h': coded([H, 3 * H], 2), 'layers.0.b': coded([3 * H], 3), 'layers.0.b_hn': bhn },
      0,
    );
    expect(Array.from(B)).toEqual([3000, 3001, 3002, 3003, 3004, 3005, 0, 0, 0, 0, 7, 8]);
  });

  it('refuses a tensor of the wrong shape', () => {
    const config = resolveConfig({ cell: 'rnn', vocabSize: 2, hiddenSize: 2 });
    expect(() => toOnnxLayer(config, { 'layers.0.W_x': coded([2, 3], 1), 'layers.0.W_h': coded([2, 2], 2), 'layers.0.b': coded([2], 3) }, 0)).toThrow(
      expect.objectContaining({ code: 'SHAPE_MISMATCH' }),
    );
  });
});
