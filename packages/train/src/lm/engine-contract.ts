/**
 * The contract between the training loop and an engine, declared without
 * TensorFlow.js's types (they would reach @seqlm/train's public declarations
 * through `TrainRunOptions.engine`).
 */
import type { WeightTensor } from '@seqlm/core/manifest';
import type { Rng } from '@seqlm/core/random';
import type { InitScheme, RnnConfig, SequenceBatch } from '@seqlm/core/rnn';
import type { OptimizerOptions, OptimizerState } from './optimizer-kind.ts';

export interface EngineStep {
  loss: number;
  /** ‖g‖ before clipping. */
  gradNorm: number;
  /** Whether the loss and gradients were finite; when false no parameter changed. */
  finite: boolean;
}

/**
 * One way of training the language model (TensorFlow.js, or core's own BPTT
 * on its TypeScript or WebAssembly kernels) behind the calls the training
 * loop makes. Every engine uses core's parameter names, shapes and
 * initialisation, and checkpoints the same optimizer tensors, so a run
 * checkpointed on one engine resumes on another.
 */
export interface LmEngine {
  /** Printed and recorded in the manifest, e.g. `core-wasm-relaxed-simd`, `tfjs-wasm-simd`. */
  readonly label: string;
  /** One update on a batch (X, Y [B, T] row-major), carrying the recurrent state from the previous step. */
  step(batch: SequenceBatch, options: { clip: number; dropout: number; rng: Rng }): EngineStep | Promise<EngineStep>;
  /** Forgets the carried state: the next step starts from zeros. */
  resetState(): void;
  evaluate(ids: Int32Array, B: number, T: number): { perplexity: number; loss: number; tokens: number };
  parameters(): Map<string, WeightTensor>;
  assign(tensors: ReadonlyMap<string, WeightTensor>): void;
  optimizerState(): OptimizerState;
  loadOptimizer(state: OptimizerState): void;
  dispose(): void;
}

export interface EngineSpec {
  model: RnnConfig;
  seed: number;
  init: InitScheme;
  optimizer: OptimizerOptions;
}
