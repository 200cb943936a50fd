import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@seqlm/core/random';
import type { TfRnnModel, TfState } from './model.ts';
import type { TfOptimizer } from './optimizer.ts';

export interface StepBatch {
  /** Inputs and next-token targets, time-major [T·B]. */
  tokens: Int32Array;
  targets: Int32Array;
  B: number;
  T: number;
}

export interface StepOptions {
  /** Clipping threshold θ for the global gradient norm. */
  clip: number;
  dropout?: number;
  rng?: Rng;
}

export interface StepResult {
  loss: number;
  /** ‖g‖ before clipping. */
  gradNorm: number;
  /** Whether the loss and gradients were finite; when false no parameter changed. */
  finite: boolean;
  /** The state after the batch, detached from this batch's graph; the caller disposes it. */
  state: TfState;
}

/** Named gradients of the mean cross-entropy of one batch (truncated BPTT through tf autodiff); kept tensors, caller disposes. */
export function lossAndGradients(
  model: TfRnnModel,
  batch: StepBatch,
  state: TfState | null,
  options: { dropout?: number; rng?: Rng } = {},
): { loss: tf.Scalar; grads: Map<string, tf.Tensor>; state: TfState } {
  let next: TfState | null = null;
  const vars = [...model.params.values()];
  const { value, grads } = tf.variableGrads(() => {
    const out = model.loss(batch.tokens, batch.targets, batch.B, batch.T, state, options);
    next = out.state;
    // Kept so the carried state outlives the tape; it is a plain tensor afterwards (detached).
    for (const t of [...out.state.h, ...(out.state.c ?? [])]) tf.keep(t);
    return out.loss;
  }, vars);
  const named = new Map<string, tf.Tensor>();
  for (const [name, v] of model.params) named.set(name, grads[v.name]!);
  return { loss: value, grads: named, state: next! };
}

/**
 * One training step: loss and gradients, clipping g ← min(1, θ/‖g‖) · g over all
 * parameters at once (D2L 9.5.3), then the optimiser update. A non-finite loss
 * or gradient norm leaves the parameters untouched and reports `finite: false`.
 */
export function trainStep(model: TfRnnModel, optimizer: TfOptimizer, batch: StepBatch, state: TfState | null, options: StepOptions): StepResult {
  const { loss, grads, state: next } = lossAndGradients(model, batch, state, options);
  try {
    const norm = tf.tidy(() => tf.sqrt(tf.addN([...grads.values()].map((g) => tf.sum(tf.square(g))))));
    const [lossValue, normValue] = tf.tidy(() => tf.stack([loss, norm]).dataSync()) as unknown as [number, number];
    norm.dispose();
    const finite = Number.isFinite(lossValue) && Number.isFinite(normValue);
    if (finite) {
      const scale = Math.min(1, options.clip / normValue);
      if (scale < 1) {
        const clipped = new Map<string, tf.Tensor>();
        for (const [name, g] of grads) clipped.set(name, tf.mul(g, scale));
        optimizer.apply(model.params, clipped);
        for (const g of clipped.values()) g.dispose();
      } else {
        optimizer.apply(model.params, grads);
      }
    }
    return { loss: lossValue, gradNorm: normValue, finite, state: next };
  } finally {
    loss.dispose();
    for (const g of grads.values()) g.dispose();
  }
}

export function disposeState(state: TfState | null): void {
  if (state === null) return;
  for (const t of [...state.h, ...(state.c ?? [])]) t.dispose();
}
