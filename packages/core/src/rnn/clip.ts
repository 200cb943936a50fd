import { SeqlmError } from '../errors/index.ts';
import type { Trainable } from './model.ts';

/** ‖g‖ = √(Σ over every parameter's gradient of g²), the norm D2L clips. */
export function globalGradNorm(params: readonly Trainable[]): number {
  let sum = 0;
  for (const { grad } of params) {
    for (let i = 0; i < grad.length; i++) sum += grad[i]! * grad[i]!;
  }
  return Math.sqrt(sum);
}

/**
 * D2L's grad_clipping: g ← min(1, θ/‖g‖) · g over all gradients at once, so the
 * direction is kept and the norm becomes at most θ. Returns ‖g‖ before clipping.
 */
export function clipGradNorm(params: readonly Trainable[], theta: number): number {
  if (typeof theta !== 'number' || !(theta > 0) || !Number.isFinite(theta)) {
    throw new SeqlmError('INVALID_ARGUMENT', `clipping threshold θ must be a positive finite number, got ${theta}`);
  }
  const norm = globalGradNorm(params);
  if (!Number.isFinite(norm)) throw new SeqlmError('NON_FINITE', `gradient norm is ${norm}; the loss has diverged`, { norm });
  if (norm > theta) {
    const scale = theta / norm;
    for (const { grad } of params) {
      for (let i = 0; i < grad.length; i++) grad[i] = grad[i]! * scale;
    }
  }
  return norm;
}
