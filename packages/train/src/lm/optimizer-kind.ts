import type { WeightTensor } from '@seqlm/core/manifest';
/**
 * The optimizer names, apart from the TensorFlow.js optimizer itself so that the
 * public declarations (`LmTrainConfig`) never load TensorFlow.js's types.
 */
export const OPTIMIZER_KINDS = ['sgd', 'adam'] as const;
export type OptimizerKind = (typeof OPTIMIZER_KINDS)[number];

export interface OptimizerOptions {
  kind: OptimizerKind;
  lr: number;
  /** Adam only; defaults as core's `Adam`: 0.9, 0.999, 1e-8. */
  beta1?: number;
  beta2?: number;
  eps?: number;
}

/** What a checkpoint keeps of an optimiser: the update count and Adam's moments as `m.<param>` / `v.<param>`. */
export interface OptimizerState {
  kind: OptimizerKind;
  steps: number;
  tensors: Map<string, WeightTensor>;
}
