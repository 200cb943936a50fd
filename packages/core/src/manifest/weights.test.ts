import { describe, expect, it } from 'vitest';
import { SeqlmError } from '../errors/index.ts';
import { decodeWeights, encodeWeights, WEIGHTS_ALIGNMENT, type WeightTensor } from './weights.ts';

function tensors(): Record<string, WeightTensor> {
  return {
    Wxh: { shape: [3, 2], data: Float32Array.from([1, -2, 3.5, 0, 1e-8, -1e30]) },
    bh: { shape: [5], data: Float32Array.from([0.1, 0.2, 0.3, 0.4, 0.5]) },
    scalar: { shape: [], data: Float32Array.from([42]) },
    empty: { shape: [0, 4], data: new Float32Array(0) },
    'héllo/权重': { shape: [1], data: Float32Array.from([-0]) },
  };
}

function expectCode(fn: () => unknown, code: string, text?: RegExp): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SeqlmError);
    expect((error as SeqlmError).code).toBe(code);
    if (text) expect((error as SeqlmError).message).toMatch(text);
    return;
  }
  throw new Error(`expected SeqlmError ${code}`);
}

/** Overwrites the header JSON in place (same length), so one field can be corrupted. */
function patchHeader(bytes: Uint8Array, from: string, to: string): Uint8Array {
  expect(to.length).toBe(from.length);
  const copy = bytes.slice();
  const headerLength = new DataView(copy.buffer).getUint32(8, true);
  const header = String.fromCharCode(...copy.subarray(16, 16 + headerLength));
  const at = header.indexOf(from);
  expect(at).toBeGreaterThanOrEqual(0);
  for (let i = 0; i < to.length; i++) copy[16 + at + i] = to.charCodeAt(i);
  return copy;
}

describe('weights container', () => {
  it('round-trips names, order, shapes and exact float32 values', () => {
    const input = tensors();
    const decoded = decodeWeights(encodeWeights(input));
    expect([...decoded.keys()]).toEqual(Object.keys(input));
    for (const [name, t] of Object.entries(input)) {
      const got = decoded.get(name);
      expect(got?.shape).toEqual(t.shape);
      expect(Array.from(got?.data ?? [])).toEqual(Array.from(t.data));
    }
    expect(Object.is(decoded.get('héllo/权重')?.data[0], -0)).toBe(true);
  });

  it('accepts a Map and keeps its order', () => {
    const map = new Map(Object.entries(tensors()).reverse());
    expect([...decodeWeights(encodeWeights(map)).keys()]).toEqual([...map.keys()]);
  });

  it('aligns every tensor to 64 bytes and returns views into the input, not copies', () => {
    const bytes = encodeWeights(tensors());
    const decoded = decodeWeights(bytes);
    for (const { data } of decoded.values()) {
      expect(data.buffer).toBe(bytes.buffer);
      expect(data.byteOffset % WEIGHTS_ALIGNMENT).toBe(0);
    }
  });

  it('copies when the container sits at an odd offset in a larger buffer', () => {
    const bytes = encodeWeights(tensors());
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const decoded = decodeWeights(shifted.subarray(1));
    expect(Array.from(decoded.get('bh')?.data ?? [])).toEqual([0.1, 0.2, 0.3, 0.4, 0.5].map(Math.fround));
  });

  it('encodes an empty set of tensors', () => {
    expect(decodeWeights(encodeWeights({})).size).toBe(0);
  });

  it('refuses bad input to encode', () => {
    expectCode(() => encodeWeights({ a: { shape: [2, 2], data: new Float32Array(3) } }), 'SHAPE_MISMATCH');
    expectCode(() => encodeWeights({ a: { shape: [1.5], data: new Float32Array(1) } }), 'INVALID_ARGUMENT');
    expectCode(() => encodeWeights({ a: { shape: [2], data: [1, 2] as unknown as Float32Array } }), 'INVALID_ARGUMENT');
    expectCode(() => encodeWeights({ a: { shape: [2], data: Float32Array.from([1, Number.NaN]) } }), 'NON_FINITE', /element 1/);
  });

  it('refuses truncated containers', () => {
    const bytes = encodeWeights(tensors());
    expectCode(() => decodeWeights(bytes.subarray(0, 10)), 'WEIGHTS_INVALID', /preamble/);
    expectCode(() => decodeWeights(bytes.subarray(0, 40)), 'WEIGHTS_INVALID', /header needs/);
    expectCode(() => decodeWeights(bytes.subarray(0, bytes.length - 4)), 'WEIGHTS_INVALID', /truncated/);
  });

  it('refuses trailing bytes, a bad magic and an unknown version', () => {
    const bytes = encodeWeights(tensors());
    const longer = new Uint8Array(bytes.length + 8);
    longer.set(bytes);
    expectCode(() => decodeWeights(longer), 'WEIGHTS_INVALID', /trailing/);
    const badMagic = bytes.slice();
    badMagic[0] = 0x50; // "P", as in a zip or an ONNX protobuf mistaken for weights
    expectCode(() => decodeWeights(badMagic), 'WEIGHTS_INVALID', /magic/);
    const badVersion = bytes.slice();
    new DataView(badVersion.buffer).setUint32(4, 2, true);
    expectCode(() => decodeWeights(badVersion), 'WEIGHTS_INVALID', /version 2/);
  });

  it('refuses inconsistent headers', () => {
    const bytes = encodeWeights({ a: { shape: [2, 3], data: new Float32Array(6) }, b: { shape: [4], data: new Float32Array(4) } });
    expectCode(() => decodeWeights(patchHeader(bytes, '"shape":[2,3]', '"shape":[3,3]')), 'WEIGHTS_INVALID', /disagrees with shape/);
    expectCode(() => decodeWeights(patchHeader(bytes, '"dtype":"float32"', '"dtype":"float64"')), 'WEIGHTS_INVALID', /dtype/);
    expectCode(() => decodeWeights(patchHeader(bytes, '"name":"b"', '"name":"a"')), 'WEIGHTS_INVALID', /twice/);
    // b moved onto a's bytes.
    expectCode(() => decodeWeights(patchHeader(bytes, '"offset":64', '"offset":16')), 'WEIGHTS_INVALID', /overlaps/);
    expectCode(() => decodeWeights(patchHeader(bytes, '"offset":64', '"offset":65')), 'WEIGHTS_INVALID', /multiple of 4/);
    expectCode(() => decodeWeights(patchHeader(bytes, '"shape":[4],"offset":64,"byteLength":16', '"shape":[9],"offset":96,"byteLength":36')), 'WEIGHTS_INVALID', /past the/);
    expectCode(() => decodeWeights(patchHeader(bytes, '{"tensors"', '["tensors"')), 'WEIGHTS_INVALID', /JSON/);
  });

  it('refuses a non-finite value in the data', () => {
    const bytes = encodeWeights({ a: { shape: [3], data: Float32Array.from([1, 2, 3]) } });
    const corrupt = bytes.slice();
    // Data starts at the first 64-byte boundary after the header; element 2 is 8 bytes in.
    const headerLength = new DataView(corrupt.buffer).getUint32(8, true);
    const dataStart = Math.ceil((16 + headerLength) / 64) * 64;
    new DataView(corrupt.buffer).setFloat32(dataStart + 8, Number.POSITIVE_INFINITY, true);
    expectCode(() => decodeWeights(corrupt), 'WEIGHTS_INVALID', /non-finite.*element 2/);
  });
});
