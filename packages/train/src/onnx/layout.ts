/**
 * The one place where seqlm's weight layout becomes the ONNX operators' layout.
 *
 * seqlm (core's `RnnModel`, the TF.js model) follows D2L's row-vector
 * convention x W: per layer l, `W_x` [in, G·H], `W_h` [H, G·H] and `b` [G·H],
 * with the G gate blocks side by side along the columns in `GATE_ORDER`
 * (GRU z, r, h; LSTM i, f, c, o). ONNX's RNN/GRU/LSTM operators (one direction)
 * compute with column vectors, X_t Wᵀ + H_{t−1} Rᵀ + Wb + Rb, on
 * W [1, G·H, in], R [1, G·H, H], B [1, 2·G·H] = [Wb, Rb], gate blocks stacked
 * along the rows in the ONNX order (GRU z, r, h; LSTM i, o, f, c). So:
 *
 *   W[0, g'·H + j, k] = W_x[k, g·H + j]      (transpose; g is gate g' in seqlm's order)
 *   R[0, g'·H + j, k] = W_h[k, g·H + j]
 *   Wb[g'·H + j]      = b[g·H + j],   Rb = 0
 *
 * The one exception is the GRU candidate with linear_before_reset = 1, where
 * ONNX computes h̃ = tanh(x Whᵀ + r ⊙ (h Rhᵀ + Rbh) + Wbh) and seqlm
 * h̃ = tanh(x W_xh + r ⊙ (h W_hh + b_hn) + b_h): there Rbh = b_hn. With
 * linear_before_reset = 0 both compute h̃ = tanh(x W_xh + (r ⊙ h) W_hh + b_h),
 * and both update h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃ (D2L 10.2), so only the
 * attribute travels. LSTM (no peepholes): c_t = f ⊙ c_{t−1} + i ⊙ c̃,
 * h_t = o ⊙ tanh(c_t) in both; RNN: h_t = tanh(x W_x + h W_h + b).
 */
import { SeqlmError } from '@seqlm/core/errors';
import { GATE_ORDERS } from '@seqlm/core/manifest';
import { GATE_ORDER, gateCount, layerInputSize, parameterSpecs, type CellKind, type ResolvedRnnConfig } from '@seqlm/core/rnn';

/** Row-major float32 tensor as core's `parameters()` and the weights container hold them. */
export interface FloatTensor {
  shape: readonly number[];
  data: Float32Array;
}

export type NamedFloatTensors = ReadonlyMap<string, FloatTensor> | Readonly<Record<string, FloatTensor>>;

/** The inputs of one ONNX RNN/GRU/LSTM node. */
export interface OnnxLayerWeights {
  /** [1, G·H, in] */
  W: Float32Array;
  /** [1, G·H, H] */
  R: Float32Array;
  /** [1, 2·G·H]: Wb then Rb */
  B: Float32Array;
  inSize: number;
}

/** ONNX's gate order for a cell (RNN has its single block). */
export function onnxGateOrder(cell: CellKind): readonly string[] {
  return cell === 'rnn' ? ['h'] : GATE_ORDERS.onnx[cell];
}

/** perm[g'] = the seqlm index of the gate at ONNX position g'. */
export function gatePermutation(cell: CellKind): number[] {
  const ours = GATE_ORDER[cell];
  return onnxGateOrder(cell).map((gate) => {
    const index = ours.indexOf(gate);
    if (index < 0) throw new SeqlmError('UNSUPPORTED', `gate "${gate}" of the ONNX ${cell} has no counterpart in seqlm's order ${ours.join(',')}`);
    return index;
  });
}

/** Looks a tensor up by name and checks its shape. */
export function tensorOf(tensors: NamedFloatTensors, name: string, shape: readonly number[]): Float32Array {
  const t: FloatTensor | undefined = tensors instanceof Map ? (tensors.get(name) as FloatTensor | undefined) : (tensors as Readonly<Record<string, FloatTensor>>)[name];
  if (t === undefined) throw new SeqlmError('WEIGHTS_INVALID', `missing tensor "${name}"`, { name });
  const size = shape.reduce((a, b) => a * b, 1);
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]) || t.data.length !== size) {
    throw new SeqlmError('SHAPE_MISMATCH', `tensor "${name}" has shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]`, { name });
  }
  return t.data;
}

/** Checks that `tensors` holds exactly the parameters of `config` (names and shapes). */
export function checkParameters(config: ResolvedRnnConfig, tensors: NamedFloatTensors): void {
  const specs = parameterSpecs(config);
  const expected = new Set(specs.map((s) => s.name));
  const names = tensors instanceof Map ? [...tensors.keys()] : Object.keys(tensors);
  for (const name of names) {
    if (!expected.has(name)) throw new SeqlmError('WEIGHTS_INVALID', `unexpected tensor "${name}" for a ${config.cell} model`, { name });
  }
  for (const { name, shape } of specs) tensorOf(tensors, name, shape);
}

/**
 * Layer `l`'s ONNX W, R, B from seqlm's `layers.l.W_x`, `W_h`, `b` (and `b_hn`):
 * transposed, gate blocks reordered, biases split as in this module's header.
 */
export function toOnnxLayer(config: ResolvedRnnConfig, tensors: NamedFloatTensors, l: number): OnnxLayerWeights {
  const { cell, hiddenSize: H, linearBeforeReset: lbr } = config;
  const G = gateCount(cell);
  const GH = G * H;
  const inSize = layerInputSize(config, l);
  const Wx = tensorOf(tensors, `layers.${l}.W_x`, [inSize, GH]);
  const Wh = tensorOf(tensors, `layers.${l}.W_h`, [H, GH]);
  const b = tensorOf(tensors, `layers.${l}.b`, [GH]);
  const perm = gatePermutation(cell);
  const W = new Float32Array(GH * inSize);
  const R = new Float32Array(GH * H);
  const B = new Float32Array(2 * GH);
  for (let gOnnx = 0; gOnnx < G; gOnnx++) {
    const gOurs = perm[gOnnx]!;
    for (let j = 0; j < H; j++) {
      const row = gOnnx * H + j; // ONNX row of W/R, entry of Wb
      const col = gOurs * H + j; // seqlm column of W_x/W_h, entry of b
      for (let k = 0; k < inSize; k++) W[row * inSize + k] = Wx[k * GH + col]!;
      for (let k = 0; k < H; k++) R[row * H + k] = Wh[k * GH + col]!;
      B[row] = b[col]!;
    }
  }
  if (cell === 'gru' && lbr === 1) {
    // Rb's candidate block (ONNX position 2) carries b_hn; Rb_z and Rb_r stay 0.
    B.set(tensorOf(tensors, `layers.${l}.b_hn`, [H]), GH + 2 * H);
  }
  return { W, R, B, inSize };
}
