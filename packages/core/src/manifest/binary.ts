/**
 * What seqlm's two binary files (the weights container and the compact n-gram
 * file) share: a little-endian layout with an ASCII JSON header, and typed
 * columns read as zero-copy views when aligned, copied otherwise.
 */

export const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export type ColumnDtype = 'int32' | 'uint16' | 'float32' | 'float64';
export type Column = Int32Array | Uint16Array | Float32Array | Float64Array;
export const DTYPE_BYTES: Readonly<Record<ColumnDtype, number>> = { int32: 4, uint16: 2, float32: 4, float64: 8 };

/** JSON with every non-ASCII character \u-escaped (they can only occur inside strings, where that is valid), so it needs no UTF-8 codec. */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Parses the ASCII JSON header; `invalid` throws the file format's own coded error. */
export function parseAsciiJson(raw: Uint8Array, invalid: (message: string) => never): unknown {
  let text = '';
  for (let i = 0; i < raw.length; i += 8192) {
    const chunk = raw.subarray(i, i + 8192);
    if (chunk.some((b) => b > 0x7f)) invalid('header is not ASCII');
    text += String.fromCharCode(...chunk);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    return invalid(`header is not valid JSON: ${(error as Error).message}`);
  }
}

/** `length` little-endian values of `dtype` at byte `start` of `bytes`: a view when aligned on a little-endian machine, else a copy. */
export function readColumn(bytes: Uint8Array, view: DataView, start: number, dtype: ColumnDtype, length: number): Column {
  const size = DTYPE_BYTES[dtype];
  const Ctor = { int32: Int32Array, uint16: Uint16Array, float32: Float32Array, float64: Float64Array }[dtype];
  const absolute = bytes.byteOffset + start;
  if (LITTLE_ENDIAN && absolute % size === 0) return new Ctor(bytes.buffer as ArrayBuffer, absolute, length);
  const out = new Ctor(length);
  for (let i = 0; i < length; i++) {
    const at = start + i * size;
    out[i] =
      dtype === 'int32' ? view.getInt32(at, true) : dtype === 'uint16' ? view.getUint16(at, true) : dtype === 'float32' ? view.getFloat32(at, true) : view.getFloat64(at, true);
  }
  return out;
}

/** A non-negative safe integer (a count, an offset, a length). */
export function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
