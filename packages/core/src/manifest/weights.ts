/**
 * The seqlm weights container: named Float32 tensors in one small binary file
 * that core reads without ONNX, so a trained model runs directly in any runtime.
 *
 * Layout (all integers little-endian u32):
 *
 *   0  magic "SQLW"   4  version (1)   8  header byte length H   12  flags (0)
 *   16 header: ASCII JSON {"tensors":[{name, dtype, shape, offset, byteLength}], "dataByteLength"}
 *   align64(16 + H): data; each tensor at `offset` from here, 64-byte aligned,
 *                    little-endian float32, zero padding between tensors.
 *
 * The file ends exactly at data start + dataByteLength, so truncation is detected.
 * The header is kept ASCII (non-ASCII names are \u-escaped) so it needs no UTF-8 codec.
 */
import { SeqlmError } from '../errors/index.ts';
import { asciiJson, isCount, LITTLE_ENDIAN, parseAsciiJson, readColumn } from './binary.ts';

export const WEIGHTS_MAGIC = 'SQLW';
export const WEIGHTS_VERSION = 1;
/** Data alignment: a multiple of every typed-array element size and of common SIMD/cache widths. */
export const WEIGHTS_ALIGNMENT = 64;
const PREAMBLE_BYTES = 16;

export interface WeightTensor {
  /** Row-major; `[]` is a scalar. */
  shape: number[];
  data: Float32Array;
}

export type WeightTensors = Map<string, WeightTensor>;

interface HeaderEntry {
  name: string;
  dtype: 'float32';
  shape: number[];
  offset: number;
  byteLength: number;
}


const align = (n: number): number => Math.ceil(n / WEIGHTS_ALIGNMENT) * WEIGHTS_ALIGNMENT;

/** Serialises named tensors, in the given order, into one container. */
export function encodeWeights(tensors: Record<string, WeightTensor> | WeightTensors): Uint8Array {
  const entries = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  const header: HeaderEntry[] = [];
  let dataBytes = 0;
  for (const [name, tensor] of entries) {
    checkTensor(name, tensor);
    const byteLength = tensor.data.length * 4;
    header.push({ name, dtype: 'float32', shape: [...tensor.shape], offset: dataBytes, byteLength });
    dataBytes = align(dataBytes + byteLength);
  }
  const json = asciiJson({ tensors: header, dataByteLength: dataBytes });
  const dataStart = align(PREAMBLE_BYTES + json.length);
  const out = new Uint8Array(dataStart + dataBytes);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) out[i] = WEIGHTS_MAGIC.charCodeAt(i);
  view.setUint32(4, WEIGHTS_VERSION, true);
  view.setUint32(8, json.length, true);
  view.setUint32(12, 0, true);
  for (let i = 0; i < json.length; i++) out[PREAMBLE_BYTES + i] = json.charCodeAt(i);
  entries.forEach(([, tensor], i) => {
    const start = dataStart + (header[i] as HeaderEntry).offset;
    const { data } = tensor;
    if (LITTLE_ENDIAN) out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), start);
    else for (let j = 0; j < data.length; j++) view.setFloat32(start + j * 4, data[j] as number, true);
  });
  return out;
}

/**
 * Reads a container written by `encodeWeights`. Where the data is 4-byte aligned
 * in memory (always, for a buffer read whole from a file) each tensor is a view
 * into `bytes`, not a copy, so `bytes` must not be modified afterwards.
 * Anything truncated, corrupted or inconsistent throws `WEIGHTS_INVALID`.
 */
export function decodeWeights(bytes: Uint8Array): WeightTensors {
  if (bytes.length < PREAMBLE_BYTES) invalid(`truncated: ${bytes.length} bytes is shorter than the ${PREAMBLE_BYTES}-byte preamble`);
  const magic = String.fromCharCode(bytes[0] as number, bytes[1] as number, bytes[2] as number, bytes[3] as number);
  if (magic !== WEIGHTS_MAGIC) invalid(`bad magic ${JSON.stringify(magic)}; not a seqlm weights container (expected "${WEIGHTS_MAGIC}")`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== WEIGHTS_VERSION) invalid(`unsupported container version ${version}; this build reads version ${WEIGHTS_VERSION}`);
  const headerBytes = view.getUint32(8, true);
  if (view.getUint32(12, true) !== 0) invalid('unknown flags set in the preamble');
  if (PREAMBLE_BYTES + headerBytes > bytes.length) {
    invalid(`truncated: the header needs ${headerBytes} bytes but only ${bytes.length - PREAMBLE_BYTES} follow the preamble`);
  }
  const { tensors, dataByteLength } = parseHeader(bytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + headerBytes));
  const dataStart = align(PREAMBLE_BYTES + headerBytes);
  const expectedLength = dataStart + dataByteLength;
  if (bytes.length < expectedLength) invalid(`truncated: the header describes ${expectedLength} bytes, got ${bytes.length}`);
  if (bytes.length > expectedLength) invalid(`${bytes.length - expectedLength} unexpected trailing bytes after the data`);

  const out: WeightTensors = new Map();
  let end = 0;
  for (const t of [...tensors].sort((a, b) => a.offset - b.offset)) {
    if (t.offset < end) invalid(`tensor "${t.name}" at offset ${t.offset} overlaps the previous tensor (which ends at ${end})`);
    end = t.offset + t.byteLength;
    if (end > dataByteLength) invalid(`tensor "${t.name}" ends at ${end}, past the ${dataByteLength}-byte data section`);
  }
  for (const t of tensors) {
    const data = readColumn(bytes, view, dataStart + t.offset, 'float32', t.byteLength / 4) as Float32Array;
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) invalid(`tensor "${t.name}" holds a non-finite value (${data[i]}) at element ${i}`);
    }
    out.set(t.name, { shape: t.shape, data });
  }
  return out;
}


function parseHeader(raw: Uint8Array): { tensors: HeaderEntry[]; dataByteLength: number } {
  const header = parseAsciiJson(raw, invalid) as { tensors?: unknown; dataByteLength?: unknown } | null;
  if (header === null || typeof header !== 'object' || !Array.isArray(header.tensors)) invalid('header must be an object with a "tensors" array');
  const { dataByteLength } = header;
  if (!isCount(dataByteLength)) invalid(`header "dataByteLength" must be a non-negative integer, got ${JSON.stringify(dataByteLength)}`);
  const names = new Set<string>();
  const tensors = (header.tensors as unknown[]).map((item, i): HeaderEntry => {
    const t = item as Partial<HeaderEntry> | null;
    const where = `header tensors[${i}]`;
    if (t === null || typeof t !== 'object') invalid(`${where} must be an object`);
    if (typeof t.name !== 'string' || t.name.length === 0) invalid(`${where} needs a non-empty "name"`);
    if (names.has(t.name)) invalid(`tensor name "${t.name}" appears twice`);
    names.add(t.name);
    if (t.dtype !== 'float32') invalid(`tensor "${t.name}" has dtype ${JSON.stringify(t.dtype)}; only "float32" is supported`);
    if (!Array.isArray(t.shape) || !t.shape.every(isCount)) invalid(`tensor "${t.name}" shape must be an array of non-negative integers`);
    if (!isCount(t.offset) || t.offset % 4 !== 0) invalid(`tensor "${t.name}" offset must be a non-negative multiple of 4, got ${JSON.stringify(t.offset)}`);
    const elements = t.shape.reduce((a, b) => a * b, 1);
    if (t.byteLength !== elements * 4) {
      invalid(`tensor "${t.name}" byteLength ${JSON.stringify(t.byteLength)} disagrees with shape [${t.shape.join(', ')}] (${elements * 4} bytes)`);
    }
    return { name: t.name, dtype: 'float32', shape: t.shape, offset: t.offset, byteLength: t.byteLength };
  });
  return { tensors, dataByteLength };
}

function checkTensor(name: string, tensor: WeightTensor): void {
  if (name.length === 0) throw new SeqlmError('INVALID_ARGUMENT', 'tensor names must be non-empty');
  if (!(tensor?.data instanceof Float32Array)) throw new SeqlmError('INVALID_ARGUMENT', `tensor "${name}" data must be a Float32Array`, { name });
  if (!Array.isArray(tensor.shape) || !tensor.shape.every(isCount)) {
    throw new SeqlmError('INVALID_ARGUMENT', `tensor "${name}" shape must be an array of non-negative integers`, { name });
  }
  const elements = tensor.shape.reduce((a, b) => a * b, 1);
  if (elements !== tensor.data.length) {
    throw new SeqlmError('SHAPE_MISMATCH', `tensor "${name}" has shape [${tensor.shape.join(', ')}] (${elements} elements) but ${tensor.data.length} values`, {
      name,
      shape: tensor.shape,
      length: tensor.data.length,
    });
  }
  for (let i = 0; i < tensor.data.length; i++) {
    if (!Number.isFinite(tensor.data[i])) {
      throw new SeqlmError('NON_FINITE', `tensor "${name}" holds a non-finite value (${tensor.data[i]}) at element ${i}`, { name, index: i });
    }
  }
}



function invalid(message: string): never {
  throw new SeqlmError('WEIGHTS_INVALID', `weights container: ${message}`);
}
