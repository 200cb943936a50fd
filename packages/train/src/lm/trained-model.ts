import type { WeightTensor } from '@seqlm/core/manifest';

/**
 * What a finished training run hands back: its weights by core name, and a way to
 * free the TensorFlow.js memory behind them. An interface, not the TF.js model
 * class, so @seqlm/train's public declarations never import TensorFlow.js's
 * (whose own .d.ts fail a consumer's `skipLibCheck: false` build).
 */
export interface TrainedModel {
  parameters(): Map<string, WeightTensor>;
  dispose(): void;
}

/** The model while it trains, as a hook sees it: it may also overwrite the weights. */
export interface TrainingModel extends TrainedModel {
  assign(tensors: ReadonlyMap<string, WeightTensor>): void;
}
