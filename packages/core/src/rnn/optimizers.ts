import { SeqlmError } from '../errors/index.ts';
import type { FloatArray } from './float-array.ts';
import type { Trainable } from './model.ts';

/** Updates parameters in place from their gradients. */
export interface Optimizer {
  readonly kind: 'sgd' | 'adam';
  step(params: readonly Trainable[]): void;
}

function positive(value: number, name: string): number {
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new SeqlmError('INVALID_ARGUMENT', `${name} must be a positive finite number, got ${value}`);
  }
  return value;
}

function unitInterval(value: number, name: string): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    throw new SeqlmError('INVALID_ARGUMENT', `${name} must be in [0, 1), got ${value}`);
  }
  return value;
}

/** Minibatch SGD, θ ← θ − η g (the loss is already a mean, so no division by the batch size). */
export class Sgd implements Optimizer {
  readonly kind = 'sgd';
  readonly lr: number;

  constructor(options: { lr: number }) {
    this.lr = positive(options.lr, 'learning rate');
  }

  step(params: readonly Trainable[]): void {
    const lr = this.lr;
    for (const { value, grad } of params) {
      for (let i = 0; i < value.length; i++) value[i] = value[i]! - lr * grad[i]!;
    }
  }
}

export interface AdamOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
}

/**
 * Adam (Kingma & Ba; D2L 12.10): m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
 * θ ← θ − η m̂ / (√v̂ + ε) with bias-corrected m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ).
 * Moments are kept per parameter name.
 */
export class Adam implements Optimizer {
  readonly kind = 'adam';
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  #t = 0;
  readonly #moments = new Map<string, { m: FloatArray; v: FloatArray }>();

  constructor(options: AdamOptions = {}) {
    this.lr = positive(options.lr ?? 0.001, 'learning rate');
    this.beta1 = unitInterval(options.beta1 ?? 0.9, 'beta1');
    this.beta2 = unitInterval(options.beta2 ?? 0.999, 'beta2');
    this.eps = positive(options.eps ?? 1e-8, 'eps');
  }

  /** Number of updates made so far. */
  get steps(): number {
    return this.#t;
  }

  /** A copy of the update count and the moments by parameter name, for a checkpoint. */
  exportState(): { steps: number; moments: Map<string, { m: Float32Array; v: Float32Array }> } {
    const moments = new Map<string, { m: Float32Array; v: Float32Array }>();
    for (const [name, { m, v }] of this.#moments) moments.set(name, { m: Float32Array.from(m), v: Float32Array.from(v) });
    return { steps: this.#t, moments };
  }

  /** Continues from `exportState()`'s output; moments are matched to parameters by name (and length) at the next step. */
  importState(state: { steps: number; moments: ReadonlyMap<string, { m: ArrayLike<number>; v: ArrayLike<number> }> }): void {
    if (!Number.isInteger(state.steps) || state.steps < 0) throw new SeqlmError('INVALID_ARGUMENT', `Adam step count must be an integer >= 0, got ${state.steps}`);
    this.#moments.clear();
    for (const [name, { m, v }] of state.moments) {
      if (m.length !== v.length) throw new SeqlmError('SHAPE_MISMATCH', `Adam moments of "${name}" differ in length (${m.length} and ${v.length})`, { name });
      this.#moments.set(name, { m: Float32Array.from(m), v: Float32Array.from(v) });
    }
    this.#t = state.steps;
  }

  step(params: readonly Trainable[]): void {
    this.#t++;
    const { beta1: b1, beta2: b2, eps } = this;
    const stepSize = this.lr / (1 - b1 ** this.#t);
    const vScale = 1 / Math.sqrt(1 - b2 ** this.#t);
    for (const { name, value, grad } of params) {
      let mom = this.#moments.get(name);
      if (mom === undefined || mom.m.length !== value.length) {
        const ctor = value instanceof Float64Array ? Float64Array : Float32Array;
        mom = { m: new ctor(value.length), v: new ctor(value.length) };
        this.#moments.set(name, mom);
      }
      const { m, v } = mom;
      for (let i = 0; i < value.length; i++) {
        const g = grad[i]!;
        const mi = b1 * m[i]! + (1 - b1) * g;
        const vi = b2 * v[i]! + (1 - b2) * g * g;
        m[i] = mi;
        v[i] = vi;
        value[i] = value[i]! - (stepSize * mi) / (Math.sqrt(vi) * vScale + eps);
      }
    }
  }
}
