/**
 * The ONNX graph of an RNN/GRU/LSTM language model: one standard recurrent
 * operator per layer (never an unrolled loop), so a single graph serves prompt
 * prefill (T = prompt length) and stateful generation (T = 1).
 *
 *   ids [B, T] int32 ─Transpose→ [T, B] ─OneHot(V) or Gather(embedding)→ x [T, B, in]
 *   per layer l:  RNN|GRU|LSTM(x, W_l, R_l, B_l, initial_h = h0[l], initial_c = c0[l])
 *                 → Y [T, 1, B, H] ─Squeeze→ x [T, B, H],  Y_h → hT[l],  Y_c → cT[l]
 *   head:         x ─Transpose→ hidden [B, T, H] ─MatMul(W_hq)+b_q→ logits [B, T, V]
 *
 * `hidden` (the last layer's h_t at every step, ONNX's `Y`) is also an output,
 * so a runtime can show what the units do over a text (Karpathy et al. 2015).
 *
 * The state of all layers travels as one tensor [L, B, H] (h0/hT, and c0/cT
 * for an LSTM), split and concatenated per layer inside the graph; the names
 * in LM_TENSOR_NAMES are the contract with every runtime.
 */
import { SeqlmError } from '@seqlm/core/errors';
import type { GraphIo, TensorSpec } from '@seqlm/core/manifest';
import { gateCount, parameterSpecs, resolveConfig, type ResolvedRnnConfig, type RnnConfig } from '@seqlm/core/rnn';
import { checkParameters, tensorOf, toOnnxLayer, type NamedFloatTensors } from './layout.ts';
import { encodeModel, float16Tensor, floatTensor, int32Tensor, int64Tensor, int8Tensor, node, type NodeProto, type TensorProto } from './proto.ts';
import { quantizeInt8, roundTrip, toFloat16Array, type WeightEncoding } from './quantize.ts';

/** Graph input/output names shared by the exporter, the manifest, the edge API and the playground. */
export const LM_TENSOR_NAMES = Object.freeze({
  ids: 'ids',
  h0: 'h0',
  c0: 'c0',
  logits: 'logits',
  hT: 'hT',
  cT: 'cT',
  hidden: 'hidden',
});

/** Token ids are int32: JS runtimes hold them as Int32Array (no BigInt), and OneHot/Gather take int32 in onnxruntime. */
export const LM_IDS_DTYPE = 'int32';

const OP_TYPE = { rnn: 'RNN', gru: 'GRU', lstm: 'LSTM' } as const;

/** The graph's inputs and outputs as the manifest records them. */
export function lmSignature(config: ResolvedRnnConfig): { inputs: TensorSpec[]; outputs: TensorSpec[] } {
  const { numLayers: L, hiddenSize: H, vocabSize: V, cell } = config;
  const n = LM_TENSOR_NAMES;
  const state = (name: string): TensorSpec => ({ name, dtype: 'float32', shape: [L, 'batch', H] });
  const inputs: TensorSpec[] = [{ name: n.ids, dtype: LM_IDS_DTYPE, shape: ['batch', 'time'] }, state(n.h0)];
  const outputs: TensorSpec[] = [{ name: n.logits, dtype: 'float32', shape: ['batch', 'time', V] }, state(n.hT)];
  if (cell === 'lstm') {
    inputs.push(state(n.c0));
    outputs.push(state(n.cT));
  }
  outputs.push({ name: n.hidden, dtype: 'float32', shape: ['batch', 'time', H] });
  return { inputs, outputs };
}

/** The I/O contract the manifest records (`onnx.io`): ids, logits and hidden states are batch-major, states [L, batch, H]. */
export function lmGraphIo(cell: ResolvedRnnConfig['cell']): GraphIo {
  const n = LM_TENSOR_NAMES;
  const state: GraphIo['state'] = [{ input: n.h0, output: n.hT, batchAxis: 1 }];
  if (cell === 'lstm') state.push({ input: n.c0, output: n.cT, batchAxis: 1 });
  return { tokens: { name: n.ids, batchAxis: 0, timeAxis: 1 }, logits: { name: n.logits, batchAxis: 0, timeAxis: 1 }, state, hidden: { name: n.hidden, batchAxis: 0, timeAxis: 1 } };
}

/** Adds a weight matrix in `encoding`: float32 as is, int8 · scale, or float16 cast up; returns the float tensor's name. */
function addWeight(
  name: string,
  dims: readonly number[],
  data: Float32Array,
  encoding: WeightEncoding,
  initializers: TensorProto[],
  nodes: NodeProto[],
): string {
  switch (encoding) {
    case 'float32':
      initializers.push(floatTensor(name, dims, data));
      return name;
    case 'int8': {
      const { q, scale } = quantizeInt8(data);
      initializers.push(int8Tensor(`${name}.q`, dims, q), floatTensor(`${name}.scale`, [], Float32Array.of(scale)));
      // Cast + Mul rather than DequantizeLinear: onnxruntime-node fuses DequantizeLinear → MatMul into an
      // integer MatMul that also quantises the activations, which changes the numbers. Both fold to a constant.
      nodes.push(node('Cast', [`${name}.q`], [`${name}.qf`], { to: 1 /* FLOAT */ }));
      nodes.push(node('Mul', [`${name}.qf`, `${name}.scale`], [name]));
      return name;
    }
    case 'fp16':
      initializers.push(float16Tensor(`${name}.f16`, dims, toFloat16Array(data, name)));
      nodes.push(node('Cast', [`${name}.f16`], [name], { to: 1 /* FLOAT */ }));
      return name;
  }
}

export interface LmGraphOptions {
  /** How weight matrices are stored (biases are always float32). Default float32. */
  weightEncoding?: WeightEncoding;
  /** Stored in the model's metadata_props. */
  metadata?: Record<string, string>;
}

export interface LmGraph {
  bytes: Uint8Array;
  config: ResolvedRnnConfig;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

/** Encodes the language model with parameters `tensors` (core's names and layout) as an ONNX model. */
export function buildLmGraph(config: RnnConfig | ResolvedRnnConfig, tensors: NamedFloatTensors, options: LmGraphOptions = {}): LmGraph {
  const cfg = resolveConfig(config);
  checkParameters(cfg, tensors);
  const encoding = options.weightEncoding ?? 'float32';
  const { cell, vocabSize: V, hiddenSize: H, numLayers: L, embeddingSize: E, linearBeforeReset } = cfg;
  const GH = gateCount(cell) * H;
  const n = LM_TENSOR_NAMES;
  const nodes: NodeProto[] = [];
  const inits: TensorProto[] = [];

  nodes.push(node('Transpose', [n.ids], ['ids_tm'], { perm: [1, 0] })); // [T, B]
  if (E === null) {
    inits.push(int32Tensor('onehot.depth', [], [V]), floatTensor('onehot.values', [2], Float32Array.of(0, 1)));
    nodes.push(node('OneHot', ['ids_tm', 'onehot.depth', 'onehot.values'], ['x.0'], { axis: -1 })); // [T, B, V]
  } else {
    const emb = addWeight('embedding', [V, E], tensorOf(tensors, 'embedding', [V, E]), encoding, inits, nodes);
    nodes.push(node('Gather', [emb, 'ids_tm'], ['x.0'], { axis: 0 })); // [T, B, E]
  }

  const lstm = cell === 'lstm';
  if (L > 1) {
    // Opset 13+ Split without a `split` input cuts axis 0 into equal parts, one per output.
    nodes.push(node('Split', [n.h0], Array.from({ length: L }, (_, l) => `h0.${l}`), { axis: 0 }));
    if (lstm) nodes.push(node('Split', [n.c0], Array.from({ length: L }, (_, l) => `c0.${l}`), { axis: 0 }));
  }
  inits.push(int64Tensor('axes.1', [1], [1]));
  for (let l = 0; l < L; l++) {
    const { W, R, B, inSize } = toOnnxLayer(cfg, tensors, l);
    const w = addWeight(`layers.${l}.W`, [1, GH, inSize], W, encoding, inits, nodes);
    const r = addWeight(`layers.${l}.R`, [1, GH, H], R, encoding, inits, nodes);
    inits.push(floatTensor(`layers.${l}.B`, [1, 2 * GH], B));
    const h0 = L > 1 ? `h0.${l}` : n.h0; // [1, B, H]
    const hT = L > 1 ? `hT.${l}` : n.hT;
    const inputs = [`x.${l}`, w, r, `layers.${l}.B`, '', h0];
    const outputs = [`y.${l}`, hT];
    if (lstm) {
      inputs.push(L > 1 ? `c0.${l}` : n.c0);
      outputs.push(L > 1 ? `cT.${l}` : n.cT);
    }
    const attrs: Record<string, number> = { hidden_size: H };
    if (cell === 'gru') attrs.linear_before_reset = linearBeforeReset;
    nodes.push(node(OP_TYPE[cell], inputs, outputs, attrs, `${cell}.${l}`));
    nodes.push(node('Squeeze', [`y.${l}`, 'axes.1'], [`x.${l + 1}`])); // [T, 1, B, H] → [T, B, H]
  }
  if (L > 1) {
    nodes.push(node('Concat', Array.from({ length: L }, (_, l) => `hT.${l}`), [n.hT], { axis: 0 }));
    if (lstm) nodes.push(node('Concat', Array.from({ length: L }, (_, l) => `cT.${l}`), [n.cT], { axis: 0 }));
  }

  nodes.push(node('Transpose', [`x.${L}`], [n.hidden], { perm: [1, 0, 2] })); // [B, T, H], a graph output too
  const whq = addWeight('W_hq', [H, V], tensorOf(tensors, 'W_hq', [H, V]), encoding, inits, nodes);
  inits.push(floatTensor('b_q', [V], tensorOf(tensors, 'b_q', [V])));
  nodes.push(node('MatMul', [n.hidden, whq], ['scores']));
  nodes.push(node('Add', ['scores', 'b_q'], [n.logits])); // [B, T, V]

  const { inputs, outputs } = lmSignature(cfg);
  for (const name of [n.ids, n.h0, n.c0, n.logits, n.hT, n.cT, n.hidden]) {
    if (inits.some((t) => t.name === name)) throw new SeqlmError('MODEL_INVALID', `initializer name "${name}" collides with a graph input/output`);
  }
  const bytes = encodeModel({
    name: `seqlm-${cell}-lm`,
    nodes,
    initializers: inits,
    inputs,
    outputs,
    docString: `seqlm ${cell.toUpperCase()} language model: V=${V}, H=${H}, L=${L}, ${E === null ? 'one-hot input' : `embedding E=${E}`}, weights ${encoding}`,
    metadata: { 'seqlm.kind': cell, 'seqlm.weights': encoding, ...options.metadata },
  });
  return { bytes, config: cfg, inputs, outputs };
}

/**
 * The parameters the graph actually computes with: each matrix (rank ≥ 2:
 * embedding, W_x, W_h, W_hq) rounded through `encoding` exactly as addWeight
 * stores it, biases unchanged. Core and TF.js run these to verify a quantised export.
 */
export function graphParameters(config: RnnConfig | ResolvedRnnConfig, tensors: NamedFloatTensors, encoding: WeightEncoding): Map<string, { shape: number[]; data: Float32Array }> {
  const cfg = resolveConfig(config);
  checkParameters(cfg, tensors);
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const { name, shape } of parameterSpecs(cfg)) {
    const data = tensorOf(tensors, name, shape);
    out.set(name, { shape: [...shape], data: shape.length >= 2 ? roundTrip(data, encoding, name) : data });
  }
  return out;
}
