import type { WeightTensor } from '@seqlm/core/manifest';
import type { Rng } from '@seqlm/core/random';
import type { InitScheme, RnnConfig, SequenceBatch } from '@seqlm/core/rnn';
import { evaluatePerplexity } from './evaluate.ts';
import { TfRnnModel, timeMajor, type TfState } from './model.ts';
import type { EngineSpec, EngineStep, LmEngine } from './engine-contract.ts';
import { TfOptimizer, type OptimizerState } from './optimizer.ts';
import { disposeState, trainStep } from './train-step.ts';

export type { EngineSpec, EngineStep, LmEngine } from './engine-contract.ts';

/** TensorFlow.js autodiff on whichever tfjs backend is current. */
export class TfEngine implements LmEngine {
  readonly label: string;
  readonly model: TfRnnModel;
  readonly #optimizer: TfOptimizer;
  #state: TfState | null = null;

  constructor(spec: EngineSpec, label: string) {
    this.label = label;
    this.model = TfRnnModel.create(spec.model, { seed: spec.seed, init: spec.init });
    this.#optimizer = new TfOptimizer(spec.optimizer);
  }

  step(batch: SequenceBatch, options: { clip: number; dropout: number; rng: Rng }): EngineStep {
    const B = batch.batchSize;
    const T = batch.numSteps;
    const tokens = timeMajor(batch.X, B, T);
    const targets = timeMajor(batch.Y, B, T);
    const r = trainStep(this.model, this.#optimizer, { tokens, targets, B, T }, this.#state, options);
    disposeState(this.#state);
    this.#state = r.state;
    return { loss: r.loss, gradNorm: r.gradNorm, finite: r.finite };
  }

  resetState(): void {
    disposeState(this.#state);
    this.#state = null;
  }

  evaluate(ids: Int32Array, B: number, T: number): { perplexity: number; loss: number; tokens: number } {
    return evaluatePerplexity(this.model, ids, B, T);
  }

  parameters(): Map<string, WeightTensor> {
    return this.model.parameters();
  }

  assign(tensors: ReadonlyMap<string, WeightTensor>): void {
    this.model.assign(tensors);
  }

  optimizerState(): OptimizerState {
    return this.#optimizer.state();
  }

  loadOptimizer(state: OptimizerState): void {
    this.#optimizer.load(state);
  }

  dispose(): void {
    this.resetState();
    this.#optimizer.dispose();
    this.model.dispose();
  }
}
