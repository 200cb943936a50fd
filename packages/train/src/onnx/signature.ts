/**
 * Reading a graph's declared signature back from model bytes. Its declarations
 * name no onnx-proto type (see versions.ts), so it can be public.
 */
import { SeqlmError } from '@seqlm/core/errors';
import type { TensorSpec } from '@seqlm/core/manifest';
import { dtypeOfElemType, onnx, type ModelProto, type ValueInfoProto } from './proto.ts';

/** What a reader needs to check a graph against its manifest: versions and the declared inputs/outputs. */
export interface GraphSignature {
  irVersion: number;
  opset: number | undefined;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

/**
 * Decodes model bytes and returns the graph's declared signature. Inputs that
 * are also initializers (overridable constants) are not counted as inputs.
 * Throws MODEL_INVALID when the bytes are not an ONNX model.
 */
export function readSignature(bytes: Uint8Array): GraphSignature {
  let model: ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new SeqlmError('MODEL_INVALID', `not an ONNX model: ${(error as Error).message}`, undefined, { cause: error });
  }
  const graph = model.graph;
  if (graph === null || graph === undefined) throw new SeqlmError('MODEL_INVALID', 'the ONNX model has no graph');
  const constants = new Set((graph.initializer ?? []).map((t) => t.name));
  const spec = (v: ValueInfoProto): TensorSpec => {
    const t = v.type?.tensorType;
    const dtype = t?.elemType === undefined || t.elemType === null ? undefined : dtypeOfElemType(t.elemType);
    if (t === undefined || t === null || dtype === undefined) {
      throw new SeqlmError('MODEL_INVALID', `graph value "${v.name ?? ''}" is not a tensor of a supported element type`, { name: v.name });
    }
    const shape = (t.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue ?? 0)));
    return { name: v.name ?? '', dtype, shape };
  };
  const opset = (model.opsetImport ?? []).find((o) => (o.domain ?? '') === '')?.version;
  return {
    irVersion: Number(model.irVersion ?? 0),
    opset: opset === undefined || opset === null ? undefined : Number(opset),
    inputs: (graph.input ?? []).filter((v) => !constants.has(v.name ?? '')).map(spec),
    outputs: (graph.output ?? []).map(spec),
  };
}
