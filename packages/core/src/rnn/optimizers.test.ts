import { describe, expect, it } from 'vitest';
import type { Trainable } from './model.ts';
import { Adam, Sgd } from './optimizers.ts';

const param = (value: number[], grad: number[]): Trainable => ({ name: 'w', value: Float64Array.from(value), grad: Float64Array.from(grad) });

describe('Sgd', () => {
  it('θ ← θ − η g', () => {
    const p = param([1, -2, 0.5], [0.5, 1, -4]);
    new Sgd({ lr: 0.1 }).step([p]);
    expect([...p.value]).toEqual([1 - 0.05, -2 - 0.1, 0.5 + 0.4]);
  });

  it('refuses a non-positive learning rate', () => {
    expect(() => new Sgd({ lr: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('Adam', () => {
  it('first step moves each weight by η g / (|g| + ε) (bias correction makes m̂ = g, v̂ = g²)', () => {
    const g = [0.5, -3, 1e-3];
    const p = param([1, 1, 1], g);
    new Adam({ lr: 0.01 }).step([p]);
    g.forEach((gi, i) => expect(p.value[i]).toBeCloseTo(1 - (0.01 * gi) / (Math.abs(gi) + 1e-8), 12));
  });

  it('second step uses the bias-corrected running moments', () => {
    const [b1, b2, lr, eps] = [0.9, 0.999, 0.1, 1e-8];
    const p = param([0], [2]);
    const adam = new Adam({ lr, beta1: b1, beta2: b2, eps });
    adam.step([p]);
    const afterFirst = p.value[0]!;
    p.grad[0] = -1;
    adam.step([p]);
    const m = b1 * (1 - b1) * 2 + (1 - b1) * -1;
    const v = b2 * (1 - b2) * 4 + (1 - b2) * 1;
    const mHat = m / (1 - b1 ** 2);
    const vHat = v / (1 - b2 ** 2);
    expect(p.value[0]).toBeCloseTo(afterFirst - (lr * mHat) / (Math.sqrt(vHat) + eps), 12);
    expect(adam.steps).toBe(2);
  });

  it('continues from an exported state exactly as the original does (checkpoint and resume)', () => {
    const make = (): Trainable => ({ name: 'w', value: Float32Array.from([0.5, -1, 2]), grad: Float32Array.from([0.3, -0.2, 0.9]) });
    const a = make();
    const original = new Adam({ lr: 0.05 });
    original.step([a]);
    const b: Trainable = { name: 'w', value: Float32Array.from(a.value), grad: Float32Array.from(a.grad) };
    const resumed = new Adam({ lr: 0.05 });
    resumed.importState(original.exportState());
    expect(resumed.steps).toBe(1);
    original.step([a]);
    resumed.step([b]);
    expect(Array.from(b.value)).toEqual(Array.from(a.value));
    expect(() => resumed.importState({ steps: -1, moments: new Map() })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
