/**
 * Weight-only quantisation for export. Matrices are stored as int8 with one
 * symmetric per-tensor scale (x ≈ q · s, s = max|x| / 127, q = round(x / s))
 * and dequantised by the graph (Cast, then Mul by s), or as IEEE half floats and
 * cast back (Cast); biases stay float32. Every value the graph computes with
 * is reproduced here bit for bit, so core can verify a quantised export by
 * running the same rounded weights.
 */
import { SeqlmError } from '@seqlm/core/errors';

export const QUANTIZE_MODES = ['int8', 'fp16'] as const;
export type QuantizeMode = (typeof QUANTIZE_MODES)[number];
/** How a weight matrix is stored in the graph. */
export type WeightEncoding = 'float32' | QuantizeMode;

export function isQuantizeMode(value: unknown): value is QuantizeMode {
  return typeof value === 'string' && (QUANTIZE_MODES as readonly string[]).includes(value);
}

export interface Int8Quantized {
  q: Int8Array;
  /** float32 scale s; 1 for an all-zero tensor so DequantizeLinear stays finite. */
  scale: number;
}

/** q = clamp(round(x / s), −127, 127) with s = fround(max|x| / 127). */
export function quantizeInt8(data: Float32Array): Int8Quantized {
  let maxAbs = 0;
  for (let i = 0; i < data.length; i++) maxAbs = Math.max(maxAbs, Math.abs(data[i]!));
  const scale = maxAbs === 0 ? 1 : Math.fround(maxAbs / 127);
  const q = new Int8Array(data.length);
  for (let i = 0; i < data.length; i++) q[i] = Math.max(-127, Math.min(127, Math.round(data[i]! / scale)));
  return { q, scale };
}

/** x = fround(q · s), as the graph's float32 Mul computes it. */
export function dequantizeInt8({ q, scale }: Int8Quantized): Float32Array {
  const out = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) out[i] = q[i]! * scale;
  return out;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 binary16 bits of `x`, rounded to nearest even; overflow becomes ±Infinity (refused by the caller). */
export function toFloat16Bits(x: number): number {
  f32[0] = x;
  const bits = u32[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  const mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    // Subnormal half: shift the mantissa (with its implicit 1) into place, rounding to nearest even.
    const m = mant | 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let r = m >>> shift;
    const rest = m & ((1 << shift) - 1);
    if (rest > half || (rest === half && (r & 1) === 1)) r++;
    return sign | r;
  }
  let r = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (r & 1) === 1)) r++; // a carry into the exponent is still the right rounding
  return sign | r;
}

/** The number a binary16 bit pattern holds. */
export function fromFloat16Bits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant === 0 ? sign * Infinity : NaN;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** Half-float bits of a whole tensor; a value beyond ±65504 is refused rather than turned into Infinity. */
export function toFloat16Array(data: Float32Array, name: string): Uint16Array {
  const out = new Uint16Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const h = toFloat16Bits(data[i]!);
    if ((h & 0x7c00) === 0x7c00) {
      throw new SeqlmError('UNSUPPORTED', `tensor "${name}" holds ${data[i]} at ${i}, outside the float16 range (±65504)`, { name, index: i });
    }
    out[i] = h;
  }
  return out;
}

/** The float32 values a graph computes with after storing `data` in `encoding`. */
export function roundTrip(data: Float32Array, encoding: WeightEncoding, name: string): Float32Array {
  switch (encoding) {
    case 'float32':
      return data;
    case 'int8':
      return dequantizeInt8(quantizeInt8(data));
    case 'fp16':
      return Float32Array.from(toFloat16Array(data, name), fromFloat16Bits);
  }
}
