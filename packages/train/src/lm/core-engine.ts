import { isSeqlmError, SeqlmError } from '@seqlm/core/errors';
import type { WeightTensor } from '@seqlm/core/manifest';
import { Adam, clipGradNorm, globalGradNorm, RnnModel, Sgd, type RnnState, type SequenceBatch, type Trainable } from '@seqlm/core/rnn';
import type { EngineSpec, EngineStep, LmEngine } from './engine.ts';
import { perplexityOf, scoringWindows } from './evaluate.ts';
import { GradientWorker } from './gradient-worker.ts';
import type { OptimizerState } from './optimizer.ts';

/**
 * Training on core's own forward pass and hand-written BPTT, on its
 * WebAssembly SIMD kernels (`wasm`) or the TypeScript reference (`ts`).
 * Same initialisation draws, clipping and optimizer equations as the
 * TensorFlow.js engine; no dropout (core has none), so a run asking for it
 * between stacked layers must use TensorFlow.js.
 *
 * With `threads: 2` the batch is split by rows: this thread computes the
 * first ⌈B/2⌉ rows while a worker_threads replica computes the rest, each
 * carrying its own rows' state; the gradient is the token-weighted sum
 * (n₀g₀ + n₁g₁)/N, clipped and applied here. Results are reproducible run to
 * run, but differ from one thread by float32 rounding (two half-batch means
 * summed instead of one mean: relative ~1e-7 per gradient element, compounding
 * over the run as trajectories of float32 training do).
 */
export class CoreEngine implements LmEngine {
  readonly label: string;
  readonly model: RnnModel;
  readonly #optimizer: Sgd | Adam;
  readonly #params: Trainable[];
  #sgdSteps = 0;
  #state: RnnState | undefined;
  readonly #worker: GradientWorker | null;
  #resetWorker = true;

  constructor(spec: EngineSpec, kernels: 'wasm' | 'ts', threads: 1 | 2 = 1) {
    this.model = new RnnModel(spec.model, { seed: spec.seed, init: spec.init, kernels });
    this.label = `core-${this.model.kernels}${threads === 2 ? '-2-threads' : ''}`;
    this.#worker = threads === 2 ? new GradientWorker(spec, this.model.parameterCount) : null;
    const { kind, lr, beta1, beta2, eps } = spec.optimizer;
    this.#optimizer = kind === 'sgd' ? new Sgd({ lr }) : new Adam({ lr, ...(beta1 === undefined ? {} : { beta1 }), ...(beta2 === undefined ? {} : { beta2 }), ...(eps === undefined ? {} : { eps }) });
    this.#params = this.model.trainables();
  }

  step(batch: SequenceBatch, options: { clip: number; dropout: number }): EngineStep | Promise<EngineStep> {
    if (options.dropout > 0 && this.model.config.numLayers > 1) throw new SeqlmError('UNSUPPORTED', 'core training has no dropout; use a tfjs backend for --dropout');
    if (this.#worker !== null && batch.batchSize >= 2) return this.#parallelStep(this.#worker, batch, options.clip);
    let result;
    try {
      result = this.model.lossAndGradient(batch, this.#state);
    } catch (error) {
      if (isSeqlmError(error) && error.code === 'NON_FINITE') return { loss: Number.NaN, gradNorm: Number.NaN, finite: false };
      throw error;
    }
    this.#state = result.state;
    return this.#update(result.loss, options.clip);
  }

  /** Clips the gradient now in the model and applies one optimizer update, unless it is not finite. */
  #update(loss: number, clip: number): EngineStep {
    const norm = globalGradNorm(this.#params);
    if (!Number.isFinite(loss) || !Number.isFinite(norm)) return { loss, gradNorm: norm, finite: false };
    clipGradNorm(this.#params, clip);
    this.#optimizer.step(this.#params);
    if (this.#optimizer instanceof Sgd) this.#sgdSteps++;
    this.model.parametersChanged();
    return { loss, gradNorm: norm, finite: true };
  }

  async #parallelStep(worker: GradientWorker, batch: SequenceBatch, clip: number): Promise<EngineStep> {
    const { batchSize: B, numSteps: T, X, Y } = batch;
    const B0 = Math.ceil(B / 2);
    const reply = worker.start(this.#params, { X: X.slice(B0 * T), Y: Y.slice(B0 * T), batchSize: B - B0, numSteps: T, reset: this.#resetWorker });
    this.#resetWorker = false;
    let own: { loss: number; state: RnnState } | null = null;
    let ownError: unknown = null;
    try {
      own = this.model.lossAndGradient({ X: X.subarray(0, B0 * T), Y: Y.subarray(0, B0 * T), batchSize: B0, numSteps: T }, this.#state);
    } catch (error) {
      ownError = error;
    }
    const other = await reply;
    const nonFinite = (e: unknown): boolean => isSeqlmError(e) && e.code === 'NON_FINITE';
    if (ownError !== null && !nonFinite(ownError)) throw ownError;
    if (!other.ok && other.code !== 'NON_FINITE') throw new SeqlmError('INVALID_ARGUMENT', `gradient worker failed: ${other.message}`);
    if (own === null || !other.ok) return { loss: Number.NaN, gradNorm: Number.NaN, finite: false };
    this.#state = own.state;
    // ∇ of the mean over all B·T tokens = (n₀ ∇L₀ + n₁ ∇L₁) / N, summed in this fixed order.
    const w0 = B0 / B;
    const w1 = (B - B0) / B;
    const g1 = worker.grads;
    let o = 0;
    for (const p of this.#params) {
      const g = p.grad;
      for (let i = 0; i < g.length; i++) g[i] = w0 * g[i]! + w1 * g1[o + i]!;
      o += g.length;
    }
    return this.#update(w0 * own.loss + w1 * other.loss, clip);
  }

  resetState(): void {
    this.#state = undefined;
    this.#resetWorker = true;
  }

  evaluate(ids: Int32Array, B: number, T: number): { perplexity: number; loss: number; tokens: number } {
    let state: RnnState | undefined;
    return perplexityOf(scoringWindows(ids, B, T), (w) => {
      const r = this.model.loss(w, state);
      state = r.state;
      return r.loss;
    });
  }

  parameters(): Map<string, WeightTensor> {
    return new Map(Object.entries(this.model.parameters()));
  }

  assign(tensors: ReadonlyMap<string, WeightTensor>): void {
    for (const p of this.#params) {
      const t = tensors.get(p.name);
      if (t === undefined) throw new SeqlmError('WEIGHTS_INVALID', `missing tensor "${p.name}"`, { name: p.name });
      if (t.data.length !== p.value.length) throw new SeqlmError('SHAPE_MISMATCH', `tensor "${p.name}" holds ${t.data.length} values, the model needs ${p.value.length}`, { name: p.name });
      p.value.set(t.data);
    }
    this.model.parametersChanged();
  }

  /** The TensorFlow.js engine's checkpoint layout: the step count, and Adam's moments as `m.<param>` / `v.<param>`. */
  optimizerState(): OptimizerState {
    const tensors = new Map<string, WeightTensor>();
    if (this.#optimizer instanceof Sgd) return { kind: 'sgd', steps: this.#sgdSteps, tensors };
    const shapes = new Map(this.model.parameterSpecs().map((s) => [s.name, s.shape]));
    const { steps, moments } = this.#optimizer.exportState();
    for (const [name, { m }] of moments) tensors.set(`m.${name}`, { shape: [...shapes.get(name)!], data: m });
    for (const [name, { v }] of moments) tensors.set(`v.${name}`, { shape: [...shapes.get(name)!], data: v });
    return { kind: 'adam', steps, tensors };
  }

  loadOptimizer(state: OptimizerState): void {
    const kind = this.#optimizer.kind;
    if (state.kind !== kind) throw new SeqlmError('INVALID_ARGUMENT', `checkpoint optimizer is ${state.kind}, this run uses ${kind}`);
    if (this.#optimizer instanceof Sgd) {
      this.#sgdSteps = state.steps;
      return;
    }
    const moments = new Map<string, { m: Float32Array; v: Float32Array }>();
    for (const [key, t] of state.tensors) {
      const dot = key.indexOf('.');
      const prefix = key.slice(0, dot);
      const name = key.slice(dot + 1);
      if (prefix !== 'm' && prefix !== 'v') throw new SeqlmError('WEIGHTS_INVALID', `unexpected optimizer tensor "${key}"`, { name: key });
      const entry = moments.get(name) ?? { m: new Float32Array(0), v: new Float32Array(0) };
      entry[prefix] = t.data;
      moments.set(name, entry);
    }
    this.#optimizer.importState({ steps: state.steps, moments });
  }

  dispose(): void {
    this.#state = undefined;
    this.#worker?.terminate();
  }
}
