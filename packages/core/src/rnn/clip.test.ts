import { describe, expect, it } from 'vitest';
import { clipGradNorm, globalGradNorm } from './clip.ts';
import type { Trainable } from './model.ts';

function trainables(ctor: Float32ArrayConstructor | Float64ArrayConstructor, a: number[], b: number[]): Trainable[] {
  return [
    { name: 'a', value: new ctor(a.length), grad: ctor.from(a) },
    { name: 'b', value: new ctor(b.length), grad: ctor.from(b) },
  ];
}

describe('clipGradNorm: g ← min(1, θ/‖g‖) · g over all parameters', () => {
  it('scales a gradient of norm 13 (3-4-12) to exactly θ, keeping its direction', () => {
    const params = trainables(Float64Array, [3, 4], [12]);
    const before = clipGradNorm(params, 1);
    expect(before).toBe(13);
    expect(globalGradNorm(params)).toBeCloseTo(1, 15);
    expect([...params[0]!.grad, ...params[1]!.grad].map((g) => g * 13)).toEqual([3, 4, 12].map((g) => expect.closeTo(g, 13)));
  });

  it('in float32 the clipped norm equals θ to float32 precision', () => {
    const params = trainables(Float32Array, [30, -40, 5], [120, 0.5]);
    const norm = Math.sqrt(30 ** 2 + 40 ** 2 + 5 ** 2 + 120 ** 2 + 0.5 ** 2);
    expect(clipGradNorm(params, 2.5)).toBeCloseTo(norm, 4);
    expect(Math.abs(globalGradNorm(params) - 2.5) / 2.5).toBeLessThan(1e-6);
  });

  it('leaves a gradient below θ bit-for-bit unchanged', () => {
    const params = trainables(Float32Array, [0.1, -0.2], [0.3]);
    const copies = params.map((p) => p.grad.slice());
    clipGradNorm(params, 1);
    params.forEach((p, i) => expect(p.grad).toEqual(copies[i]));
  });

  it('refuses a non-positive θ and a non-finite gradient', () => {
    expect(() => clipGradNorm(trainables(Float64Array, [1], [1]), 0)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => clipGradNorm(trainables(Float64Array, [Number.NaN], [1]), 1)).toThrow(expect.objectContaining({ code: 'NON_FINITE' }));
  });
});
