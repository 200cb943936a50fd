/**
 * The ONNX graph of D2L 9.1's autoregressive MLP: x [B, τ] (the τ previous
 * values) → h_1 = φ(x W_0 + b_0) → … → ŷ = h_k W_k + b_k, ŷ [B, 1].
 * Parameters use seqlm's row-vector convention and the TF.js TsMlp names: `dense.i.W` [in, out] and
 * `dense.i.b` [out] for i = 0..k (k = hidden layers), so MatMul takes W as is.
 * Standardisation, when the manifest records one, is left to the caller.
 */
import { SeqlmError } from '@seqlm/core/errors';
import type { TensorSpec, TsMlpArchitecture } from '@seqlm/core/manifest';
import { tensorOf, type NamedFloatTensors } from './layout.ts';
import { encodeModel, floatTensor, node, type NodeProto, type TensorProto } from './proto.ts';

export const MLP_TENSOR_NAMES = Object.freeze({ x: 'x', y: 'y' });

/** Names and shapes of the MLP's parameters in order. */
export function mlpParameterSpecs(arch: TsMlpArchitecture): { name: string; shape: number[] }[] {
  if (!Number.isInteger(arch.tau) || arch.tau < 1 || arch.hiddenSizes.some((h) => !Number.isInteger(h) || h < 1)) {
    throw new SeqlmError('INVALID_ARGUMENT', `tau and hidden sizes must be positive integers, got tau=${arch.tau}, hidden=[${arch.hiddenSizes.join(', ')}]`);
  }
  const sizes = [arch.tau, ...arch.hiddenSizes, 1];
  return sizes.slice(1).flatMap((out, i) => [
    { name: `dense.${i}.W`, shape: [sizes[i]!, out] },
    { name: `dense.${i}.b`, shape: [out] },
  ]);
}

export function mlpSignature(arch: TsMlpArchitecture): { inputs: TensorSpec[]; outputs: TensorSpec[] } {
  return {
    inputs: [{ name: MLP_TENSOR_NAMES.x, dtype: 'float32', shape: ['batch', arch.tau] }],
    outputs: [{ name: MLP_TENSOR_NAMES.y, dtype: 'float32', shape: ['batch', 1] }],
  };
}

/** Encodes the MLP with `tensors` as an ONNX model. */
export function buildMlpGraph(arch: TsMlpArchitecture, tensors: NamedFloatTensors): { bytes: Uint8Array; inputs: TensorSpec[]; outputs: TensorSpec[] } {
  if (arch.activation !== 'relu' && arch.activation !== 'tanh') throw new SeqlmError('INVALID_ARGUMENT', `activation must be relu or tanh, got ${String(arch.activation)}`);
  const specs = mlpParameterSpecs(arch);
  const nodes: NodeProto[] = [];
  const inits: TensorProto[] = [];
  const layers = specs.length / 2;
  let x: string = MLP_TENSOR_NAMES.x;
  for (let i = 0; i < layers; i++) {
    const W = specs[2 * i]!;
    const b = specs[2 * i + 1]!;
    inits.push(floatTensor(W.name, W.shape, tensorOf(tensors, W.name, W.shape)), floatTensor(b.name, b.shape, tensorOf(tensors, b.name, b.shape)));
    const last = i === layers - 1;
    nodes.push(node('MatMul', [x, W.name], [`z.${i}.mm`]));
    nodes.push(node('Add', [`z.${i}.mm`, b.name], [last ? MLP_TENSOR_NAMES.y : `z.${i}`]));
    if (!last) {
      nodes.push(node(arch.activation === 'relu' ? 'Relu' : 'Tanh', [`z.${i}`], [`h.${i + 1}`]));
      x = `h.${i + 1}`;
    }
  }
  const { inputs, outputs } = mlpSignature(arch);
  const bytes = encodeModel({ name: 'seqlm-ts-mlp', nodes, initializers: inits, inputs, outputs, metadata: { 'seqlm.kind': 'ts-mlp' } });
  return { bytes, inputs, outputs };
}

/** The same forward pass in plain float64 arithmetic on float32 weights: ŷ for x [B, τ] row-major. */
export function mlpReference(arch: TsMlpArchitecture, tensors: NamedFloatTensors, x: Float32Array, batchSize: number): Float32Array {
  const specs = mlpParameterSpecs(arch);
  if (x.length !== batchSize * arch.tau) throw new SeqlmError('SHAPE_MISMATCH', `expected ${batchSize * arch.tau} inputs for [${batchSize}, ${arch.tau}], got ${x.length}`);
  let act: Float64Array = Float64Array.from(x);
  for (let i = 0; i < specs.length / 2; i++) {
    const [inSize, outSize] = specs[2 * i]!.shape as [number, number];
    const W = tensorOf(tensors, `dense.${i}.W`, [inSize, outSize]);
    const b = tensorOf(tensors, `dense.${i}.b`, [outSize]);
    const next = new Float64Array(batchSize * outSize);
    const hidden = i < specs.length / 2 - 1;
    for (let r = 0; r < batchSize; r++) {
      for (let j = 0; j < outSize; j++) {
        let s = b[j]!;
        for (let k = 0; k < inSize; k++) s += act[r * inSize + k]! * W[k * outSize + j]!;
        next[r * outSize + j] = !hidden ? s : arch.activation === 'relu' ? Math.max(0, s) : Math.tanh(s);
      }
    }
    act = next;
  }
  return Float32Array.from(act);
}
