import { describe, expect, it } from 'vitest';
import { dequantizeInt8, fromFloat16Bits, quantizeInt8, roundTrip, toFloat16Bits } from './quantize.ts';

describe('float16', () => {
  it('encodes known values (IEEE 754 binary16)', () => {
    expect(toFloat16Bits(1)).toBe(0x3c00);
    expect(toFloat16Bits(-2)).toBe(0xc000);
    expect(toFloat16Bits(65504)).toBe(0x7bff);
    expect(toFloat16Bits(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(toFloat16Bits(2 ** -14)).toBe(0x0400); // smallest normal
    expect(toFloat16Bits(0.1)).toBe(0x2e66); // 0.1 rounds to 0.0999755859375
    expect(toFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // a tie rounds to even
    expect(toFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(toFloat16Bits(1e6)).toBe(0x7c00);
  });

  it('decodes what it encodes within half a unit in the last place', () => {
    for (const x of [0.1, -0.333, 3.14159, 1e-5, 1000.5]) {
      const back = fromFloat16Bits(toFloat16Bits(x));
      const ulp = 2 ** (Math.floor(Math.log2(Math.abs(x))) - 10);
      expect(Math.abs(back - x)).toBeLessThanOrEqual(Math.max(ulp, 2 ** -24) / 2);
    }
    expect(fromFloat16Bits(0x3c00)).toBe(1);
  });

  it('refuses a weight outside the float16 range', () => {
    expect(() => roundTrip(Float32Array.of(1, 7e4), 'fp16', 'W')).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }));
  });
});

describe('int8', () => {
  it('uses s = max|x| / 127 and reconstructs within s / 2', () => {
    const x = Float32Array.of(-1.27, 0.5, 0.004, 1, 0);
    const qx = quantizeInt8(x);
    expect(qx.scale).toBeCloseTo(0.01, 7);
    expect(Array.from(qx.q)).toEqual([-127, 50, 0, 100, 0]);
    const back = dequantizeInt8(qx);
    for (let i = 0; i < x.length; i++) expect(Math.abs(back[i]! - x[i]!)).toBeLessThanOrEqual(qx.scale / 2 + 1e-7);
  });

  it('keeps an all-zero tensor finite', () => {
    const qx = quantizeInt8(new Float32Array(3));
    expect(qx.scale).toBe(1);
    expect(Array.from(dequantizeInt8(qx))).toEqual([0, 0, 0]);
  });
});
