/**
 * The ONNX protobuf schema (onnx-proto, generated from ONNX 1.10 by protobufjs)
 * and the few builders the graph writers need. That schema knows IR version 8
 * and opset 15 at most, so those are the versions every exported graph records.
 */
import onnxProto from 'onnx-proto';
import { SeqlmError } from '@seqlm/core/errors';
import type { TensorDtype, TensorSpec } from '@seqlm/core/manifest';
import { ONNX_IR_VERSION, ONNX_OPSET } from './versions.ts';

export const { onnx } = onnxProto;
export type ModelProto = InstanceType<typeof onnx.ModelProto>;
export type NodeProto = Parameters<typeof onnx.NodeProto.create>[0] & object;
export type TensorProto = Parameters<typeof onnx.TensorProto.create>[0] & object;
export type ValueInfoProto = Parameters<typeof onnx.ValueInfoProto.create>[0] & object;

export { ONNX_IR_VERSION, ONNX_OPSET };
export const PRODUCER_NAME = '@seqlm/train';

const DataType = onnx.TensorProto.DataType;
const AttrType = onnx.AttributeProto.AttributeType;

const ELEM_TYPE: Record<TensorDtype, number> = {
  float32: DataType.FLOAT,
  float16: DataType.FLOAT16,
  int32: DataType.INT32,
  int64: DataType.INT64,
  bool: DataType.BOOL,
};

/** The ONNX element-type number of a manifest dtype. */
export function elemTypeOf(dtype: TensorDtype): number {
  return ELEM_TYPE[dtype];
}

/** The manifest dtype of an ONNX element-type number, or undefined for a type manifests cannot name. */
export function dtypeOfElemType(elemType: number): TensorDtype | undefined {
  for (const [dtype, code] of Object.entries(ELEM_TYPE)) if (code === elemType) return dtype as TensorDtype;
  return undefined;
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  // A copy, so later edits of the caller's array cannot change an encoded graph.
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice();
}

/** A float32 initializer stored as little-endian rawData (the compact form ONNX readers all accept). */
export function floatTensor(name: string, dims: readonly number[], data: Float32Array): TensorProto {
  checkSize(name, dims, data.length);
  return { name, dims: [...dims], dataType: DataType.FLOAT, rawData: bytesOf(data) };
}

/** An int64 initializer (shape vectors, axes) as rawData. */
export function int64Tensor(name: string, dims: readonly number[], data: readonly number[]): TensorProto {
  checkSize(name, dims, data.length);
  return { name, dims: [...dims], dataType: DataType.INT64, rawData: bytesOf(BigInt64Array.from(data, (v) => BigInt(v))) };
}

/** An int32 initializer as rawData. */
export function int32Tensor(name: string, dims: readonly number[], data: readonly number[]): TensorProto {
  checkSize(name, dims, data.length);
  return { name, dims: [...dims], dataType: DataType.INT32, rawData: bytesOf(Int32Array.from(data)) };
}

/** An int8 initializer (quantized weights) as rawData. */
export function int8Tensor(name: string, dims: readonly number[], data: Int8Array): TensorProto {
  checkSize(name, dims, data.length);
  return { name, dims: [...dims], dataType: DataType.INT8, rawData: bytesOf(data) };
}

/** A float16 initializer from IEEE half bit patterns, as rawData. */
export function float16Tensor(name: string, dims: readonly number[], bits: Uint16Array): TensorProto {
  checkSize(name, dims, bits.length);
  return { name, dims: [...dims], dataType: DataType.FLOAT16, rawData: bytesOf(bits) };
}

function checkSize(name: string, dims: readonly number[], length: number): void {
  const size = dims.reduce((a, b) => a * b, 1);
  if (size !== length) throw new SeqlmError('SHAPE_MISMATCH', `initializer "${name}" has dims [${dims.join(', ')}] but ${length} values`, { name });
}

/** A graph input or output declaration from a manifest tensor spec (string dimensions stay symbolic). */
export function valueInfo(spec: TensorSpec): ValueInfoProto {
  return {
    name: spec.name,
    type: {
      tensorType: {
        elemType: elemTypeOf(spec.dtype),
        shape: { dim: spec.shape.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}

type AttrValue = number | number[] | string | string[] | { float: number };

/** An operator node; integer attributes are plain numbers, a float attribute is `{ float: x }`. */
export function node(opType: string, inputs: readonly string[], outputs: readonly string[], attributes: Record<string, AttrValue> = {}, name?: string): NodeProto {
  const attribute = Object.entries(attributes).map(([key, value]) => {
    if (typeof value === 'number') return { name: key, type: AttrType.INT, i: value };
    if (typeof value === 'string') return { name: key, type: AttrType.STRING, s: new TextEncoder().encode(value) };
    if (Array.isArray(value) && value.every((v) => typeof v === 'number')) return { name: key, type: AttrType.INTS, ints: value as number[] };
    if (Array.isArray(value)) return { name: key, type: AttrType.STRINGS, strings: (value as string[]).map((s) => new TextEncoder().encode(s)) };
    return { name: key, type: AttrType.FLOAT, f: value.float };
  });
  return { opType, input: [...inputs], output: [...outputs], attribute, ...(name !== undefined ? { name } : {}) };
}

export interface GraphParts {
  name: string;
  nodes: NodeProto[];
  initializers: TensorProto[];
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  docString?: string;
  /** Free-form key/value pairs stored in the model (e.g. the seqlm model kind). */
  metadata?: Record<string, string>;
}

/** Encodes a complete model (IR 8, default-domain opset 15) to protobuf bytes. */
export function encodeModel(parts: GraphParts): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: PRODUCER_NAME,
    docString: parts.docString ?? '',
    metadataProps: Object.entries(parts.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph: {
      name: parts.name,
      node: parts.nodes,
      initializer: parts.initializers,
      input: parts.inputs.map(valueInfo),
      output: parts.outputs.map(valueInfo),
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
