import * as tf from '@tensorflow/tfjs-core';
import { SeqlmError } from '@seqlm/core/errors';
import type { WeightTensor } from '@seqlm/core/manifest';

import { OPTIMIZER_KINDS, type OptimizerKind, type OptimizerOptions, type OptimizerState } from './optimizer-kind.ts';

export { OPTIMIZER_KINDS, type OptimizerKind, type OptimizerOptions, type OptimizerState };

/**
 * SGD (θ ← θ − η g) or Adam written exactly as core's `Adam` computes it,
 * θ ← θ − (η / (1 − β₁ᵗ)) · m / (√v · (1 − β₂ᵗ)^(−1/2) + ε), so runs of the two
 * engines can be compared update by update. Moments live on the backend.
 */
export class TfOptimizer {
  readonly kind: OptimizerKind;
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  #steps = 0;
  readonly #m = new Map<string, tf.Variable>();
  readonly #v = new Map<string, tf.Variable>();

  constructor(options: OptimizerOptions) {
    if (options.kind !== 'sgd' && options.kind !== 'adam') {
      throw new SeqlmError('INVALID_ARGUMENT', `optimizer must be one of ${OPTIMIZER_KINDS.join(', ')}, got ${String(options.kind)}`);
    }
    if (!(options.lr > 0) || !Number.isFinite(options.lr)) throw new SeqlmError('INVALID_ARGUMENT', `learning rate must be a positive finite number, got ${options.lr}`);
    this.kind = options.kind;
    this.lr = options.lr;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.eps = options.eps ?? 1e-8;
    if (!(this.beta1 >= 0 && this.beta1 < 1) || !(this.beta2 >= 0 && this.beta2 < 1)) {
      throw new SeqlmError('INVALID_ARGUMENT', `Adam betas must be in [0, 1), got ${this.beta1} and ${this.beta2}`);
    }
    if (!(this.eps > 0)) throw new SeqlmError('INVALID_ARGUMENT', `Adam eps must be positive, got ${this.eps}`);
  }

  get steps(): number {
    return this.#steps;
  }

  /** One update of every parameter from its (already clipped) gradient. */
  apply(params: ReadonlyMap<string, tf.Variable>, grads: ReadonlyMap<string, tf.Tensor>): void {
    this.#steps++;
    const t = this.#steps;
    tf.tidy(() => {
      for (const [name, p] of params) {
        const g = grads.get(name);
        if (g === undefined) throw new SeqlmError('SHAPE_MISMATCH', `no gradient for parameter "${name}"`, { name });
        if (this.kind === 'sgd') {
          p.assign(tf.sub(p, tf.mul(g, this.lr)));
          continue;
        }
        const m = this.#moment(this.#m, name, p);
        const v = this.#moment(this.#v, name, p);
        const mNext = tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1));
        const vNext = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        m.assign(mNext);
        v.assign(vNext);
        const stepSize = this.lr / (1 - this.beta1 ** t);
        const vScale = 1 / Math.sqrt(1 - this.beta2 ** t);
        p.assign(tf.sub(p, tf.div(tf.mul(mNext, stepSize), tf.add(tf.mul(tf.sqrt(vNext), vScale), this.eps))));
      }
    });
  }

  /** A copy of the state for a checkpoint. */
  state(): OptimizerState {
    const tensors = new Map<string, WeightTensor>();
    for (const [prefix, moments] of [['m', this.#m], ['v', this.#v]] as const) {
      for (const [name, t] of moments) tensors.set(`${prefix}.${name}`, { shape: [...t.shape], data: t.dataSync() as Float32Array });
    }
    return { kind: this.kind, steps: this.#steps, tensors };
  }

  /** Restores a state saved by `state()` (same kind). */
  load(state: OptimizerState): void {
    if (state.kind !== this.kind) throw new SeqlmError('INVALID_ARGUMENT', `checkpoint optimizer is ${state.kind}, this run uses ${this.kind}`);
    this.dispose();
    this.#steps = state.steps;
    for (const [key, t] of state.tensors) {
      const dot = key.indexOf('.');
      const prefix = key.slice(0, dot);
      const name = key.slice(dot + 1);
      const target = prefix === 'm' ? this.#m : prefix === 'v' ? this.#v : undefined;
      if (target === undefined) throw new SeqlmError('WEIGHTS_INVALID', `unexpected optimizer tensor "${key}"`, { name: key });
      target.set(name, tf.variable(tf.tensor(t.data, t.shape, 'float32'), false));
    }
  }

  dispose(): void {
    for (const t of [...this.#m.values(), ...this.#v.values()]) t.dispose();
    this.#m.clear();
    this.#v.clear();
  }

  #moment(store: Map<string, tf.Variable>, name: string, like: tf.Tensor): tf.Variable {
    let m = store.get(name);
    if (m === undefined) {
      m = tf.variable(tf.zerosLike(like), false);
      store.set(name, m);
    }
    return m;
  }
}
