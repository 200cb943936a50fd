import { SeqlmError } from '../errors/index.ts';
import { Rng } from '../random/index.ts';
import {
  gateCount,
  layerInputSize,
  parameterSpecs,
  resolveConfig,
  type ParameterSpec,
  type ResolvedRnnConfig,
  type RnnConfig,
} from './config.ts';
import { allocFloat, isDtype, type Dtype, type FloatArray } from './float-array.ts';
import { initTensor, type InitScheme } from './init.ts';
import { FloatCounter, tsKernels, type Kernels, type KernelsName } from './kernels.ts';
import { Layer, LayerCache, type LayerWeights } from './layer.ts';
import { WasmKernels, wasmKernelsName } from './wasm-kernels.ts';
import { checkState, type RnnState } from './state.ts';

/** A batch as the D2L iterators yield it: X and Y [B, T] row-major, Y shifted one token ahead of X. */
export interface SequenceBatch {
  X: Int32Array;
  Y: Int32Array;
  batchSize: number;
  numSteps: number;
}

/** One parameter as stored in a weights container (always float32). */
export interface NamedTensor {
  shape: number[];
  data: Float32Array;
}

/** Any named tensor source: `parameters()` output or a decoded weights container. */
export interface TensorLike {
  shape: readonly number[];
  data: ArrayLike<number>;
}

/** A live parameter and its gradient, what optimisers and clipping work on. */
export interface Trainable {
  readonly name: string;
  readonly value: FloatArray;
  readonly grad: FloatArray;
}

export interface RnnModelOptions {
  /** Element type of parameters and activations. Default float32; float64 is for gradient checks. */
  dtype?: Dtype;
  /** Weight initialisation. Default D2L's `{ scheme: 'normal', scale: 0.01 }`. */
  init?: InitScheme;
  /** Seed of the initialisation; the same seed gives the same weights everywhere. Default 0. */
  seed?: number;
  /**
   * Which kernels run the matrix products and gate arithmetic. `ts` (default)
   * is the readable reference, bit-identical to earlier releases; `auto`
   * takes the WebAssembly SIMD kernels for float32 where the runtime compiles
   * them (~7-10× faster training), else TypeScript; `wasm` insists (an
   * UNSUPPORTED error where unavailable). float64 always runs in TypeScript.
   */
  kernels?: 'auto' | 'wasm' | 'ts';
}

/** The outcome of one pass over a batch: mean NLL per token and the detached final state. */
export interface BatchResult {
  loss: number;
  tokens: number;
  state: RnnState;
}

interface Workspace {
  B: number;
  T: number;
  k: Kernels;
  /** The model version its weight mirrors and transposes were last synced to (−1: never). */
  version: number;
  head: { Whq: FloatArray; WhqT: FloatArray; gWhq: FloatArray; gbq: FloatArray };
  tokens: Int32Array; // [T·B] time-major
  targets: Int32Array; // [T·B] time-major
  embIn: FloatArray; // [T·B, E] embedding rows (E = 0 for one-hot)
  layers: LayerCache[];
  logits: FloatArray; // [T·B, V]; holds ∂L/∂logits after a backward pass
  logitsT: FloatArray; // [V, T·B]
  outT: FloatArray; // [H, T·B]
  dEmb: FloatArray; // [T·B, E]
}

const MAX_WORKSPACES = 4;

/**
 * A character- or word-level language model with L stacked RNN, GRU or LSTM
 * layers (see Layer for the cell equations), one-hot or embedding input, and
 * the head o_t = h_t W_hq + b_q. Inputs are token ids; logits are time-major
 * [T, B, V] like D2L's RNNModelScratch and the ONNX RNN operators.
 */
export class RnnModel {
  readonly config: ResolvedRnnConfig;
  readonly dtype: Dtype;
  readonly #specs: ParameterSpec[];
  readonly #values = new Map<string, FloatArray>();
  readonly #grads = new Map<string, FloatArray>();
  readonly #layers: Layer[];
  readonly #workspaces = new Map<string, Workspace>();
  readonly #kernels: KernelsName;
  /** Shared by every TypeScript-kernel workspace: the transposes of W_x, W_h per layer and of W_hq. */
  readonly #shared: { layers: { WxT: FloatArray; WhT: FloatArray }[]; WhqT: FloatArray } | null;
  /** Bumped whenever the parameters may have changed; workspaces re-sync when theirs differs. */
  #version = 0;

  constructor(config: RnnConfig, options: RnnModelOptions = {}) {
    this.config = resolveConfig(config);
    const dtype = options.dtype ?? 'float32';
    if (!isDtype(dtype)) throw new SeqlmError('INVALID_ARGUMENT', `dtype must be float32 or float64, got ${String(dtype)}`);
    this.dtype = dtype;
    this.#specs = parameterSpecs(this.config);
    const seed = options.seed ?? 0;
    if (!Number.isFinite(seed)) throw new SeqlmError('INVALID_ARGUMENT', `seed must be a finite number, got ${seed}`);
    const rng = new Rng(seed);
    const init = options.init ?? { scheme: 'normal', scale: 0.01 };
    for (const { name, shape } of this.#specs) {
      const size = shape.reduce((a, b) => a * b, 1);
      const value = allocFloat(dtype, size);
      initTensor(value, shape, init, rng);
      this.#values.set(name, value);
      this.#grads.set(name, allocFloat(dtype, size));
    }
    const { cell, hiddenSize: H, numLayers: L, linearBeforeReset: lbr, vocabSize: V } = this.config;
    this.#layers = [];
    for (let l = 0; l < L; l++) {
      const pick = (m: Map<string, FloatArray>) => ({
        Wx: m.get(`layers.${l}.W_x`)!,
        Wh: m.get(`layers.${l}.W_h`)!,
        b: m.get(`layers.${l}.b`)!,
        bhn: m.get(`layers.${l}.b_hn`) ?? null,
      });
      this.#layers.push(new Layer(cell, lbr, layerInputSize(this.config, l), H, pick(this.#values), pick(this.#grads)));
    }
    const choice = options.kernels ?? 'ts';
    if (choice !== 'auto' && choice !== 'wasm' && choice !== 'ts') throw new SeqlmError('INVALID_ARGUMENT', `kernels must be auto, wasm or ts, got ${String(choice)}`);
    if (choice === 'wasm' && dtype !== 'float32') throw new SeqlmError('INVALID_ARGUMENT', 'the wasm kernels are float32 only');
    const wasm = choice === 'ts' || dtype !== 'float32' ? null : wasmKernelsName();
    if (choice === 'wasm' && wasm === null) throw new SeqlmError('UNSUPPORTED', 'WebAssembly SIMD kernels are unavailable in this runtime (no SIMD, or code generation from bytes is refused)');
    this.#kernels = wasm ?? 'ts';
    this.#shared =
      wasm === null
        ? { layers: this.#layers.map((l) => ({ WxT: allocFloat(dtype, l.Wx.length), WhT: allocFloat(dtype, l.Wh.length) })), WhqT: allocFloat(dtype, H * V) }
        : null;
  }

  /** The kernels this model's products run on: `ts`, `wasm-simd` or `wasm-relaxed-simd`. */
  get kernels(): KernelsName {
    return this.#kernels;
  }

  /** Rebuilds a model from named tensors (a record or the Map a weights container decodes to); names and shapes must match `parameterSpecs`. */
  static fromParameters(
    config: RnnConfig,
    source: Readonly<Record<string, TensorLike>> | ReadonlyMap<string, TensorLike>,
    options: Pick<RnnModelOptions, 'dtype' | 'kernels'> = {},
  ): RnnModel {
    const model = new RnnModel(config, { dtype: options.dtype ?? 'float32', ...(options.kernels ? { kernels: options.kernels } : {}) });
    const tensors: Readonly<Record<string, TensorLike>> = source instanceof Map ? Object.fromEntries(source) : (source as Readonly<Record<string, TensorLike>>);
    const expected = new Set(model.#specs.map((s) => s.name));
    for (const name of Object.keys(tensors)) {
      if (!expected.has(name)) throw new SeqlmError('WEIGHTS_INVALID', `unexpected tensor "${name}" for a ${model.config.cell} model`, { name });
    }
    for (const { name, shape } of model.#specs) {
      const tensor = tensors[name];
      if (tensor === undefined) throw new SeqlmError('WEIGHTS_INVALID', `missing tensor "${name}"`, { name });
      if (!Array.isArray(tensor.shape) || tensor.shape.length !== shape.length || tensor.shape.some((d, i) => d !== shape[i])) {
        throw new SeqlmError('SHAPE_MISMATCH', `tensor "${name}" has shape [${String(tensor.shape)}], expected [${shape.join(', ')}]`, { name });
      }
      const value = model.#values.get(name)!;
      if (tensor.data.length !== value.length) {
        throw new SeqlmError('SHAPE_MISMATCH', `tensor "${name}" holds ${tensor.data.length} values, its shape needs ${value.length}`, { name });
      }
      for (let i = 0; i < value.length; i++) {
        const v = tensor.data[i]!;
        if (!Number.isFinite(v)) throw new SeqlmError('NON_FINITE', `tensor "${name}" has a non-finite value at ${i}`, { name, index: i });
        value[i] = v;
      }
    }
    model.#version++;
    return model;
  }

  /** Names and shapes of every parameter, in initialisation order. */
  parameterSpecs(): ParameterSpec[] {
    return this.#specs.map((s) => ({ name: s.name, shape: [...s.shape] }));
  }

  /** Number of scalar parameters. */
  get parameterCount(): number {
    let n = 0;
    for (const v of this.#values.values()) n += v.length;
    return n;
  }

  /** Float32 copies of every parameter by name, ready for a weights container. */
  parameters(): Record<string, NamedTensor> {
    const out: Record<string, NamedTensor> = {};
    for (const { name, shape } of this.#specs) out[name] = { shape: [...shape], data: Float32Array.from(this.#values.get(name)!) };
    return out;
  }

  /**
   * Live parameters and gradients for optimisers and clipping. Handing them out
   * marks cached transposes stale; after editing values any other way, call
   * `parametersChanged()`.
   */
  trainables(): Trainable[] {
    this.#version++;
    return this.#specs.map(({ name }) => ({ name, value: this.#values.get(name)!, grad: this.#grads.get(name)! }));
  }

  /** Tells the model its parameter arrays were modified in place. */
  parametersChanged(): void {
    this.#version++;
  }

  /** The zero state for a batch of `batchSize`. */
  initialState(batchSize: number): RnnState {
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new SeqlmError('INVALID_ARGUMENT', `batch size must be a positive integer, got ${batchSize}`);
    }
    const { numLayers: L, hiddenSize: H, cell } = this.config;
    const size = L * batchSize * H;
    return { batchSize, numLayers: L, hiddenSize: H, h: allocFloat(this.dtype, size), c: cell === 'lstm' ? allocFloat(this.dtype, size) : null };
  }

  /**
   * One generation step for a batch: feeds `tokenIds` [B] and returns the next
   * token's logits [B, V] (float32) and the new state; `state` is not modified.
   */
  step(state: RnnState, tokenIds: Int32Array): { logits: Float32Array; state: RnnState } {
    const B = state.batchSize;
    if (tokenIds.length !== B) {
      throw new SeqlmError('SHAPE_MISMATCH', `step got ${tokenIds.length} token ids for a state of batch ${B}`);
    }
    const ws = this.#workspace(B, 1);
    const next = this.#forward(ws, tokenIds, state);
    const logits = ws.logits instanceof Float32Array ? ws.logits.slice() : Float32Array.from(ws.logits);
    return { logits, state: next };
  }

  /** Logits [T, B, V] (time-major) for X [B, T] row-major, starting from `state` (zeros if omitted). */
  forward(X: Int32Array, batchSize: number, numSteps: number, state?: RnnState): { logits: FloatArray; state: RnnState } {
    const ws = this.#workspace(batchSize, numSteps);
    const next = this.#forward(ws, X, state);
    return { logits: ws.logits.slice(), state: next };
  }

  /**
   * The top layer's hidden state after each step, h_t for t = 1..T, [T, B, H]
   * time-major (what ONNX's RNN/GRU/LSTM `Y` holds for the last layer), for X
   * [B, T] row-major from `state` (zeros if omitted). Karpathy et al. 2015
   * colour text by one unit of this.
   */
  hiddenStates(X: Int32Array, batchSize: number, numSteps: number, state?: RnnState): FloatArray {
    const ws = this.#workspace(batchSize, numSteps);
    this.#forward(ws, X, state);
    return ws.layers[this.config.numLayers - 1]!.out.slice();
  }

  /** Mean cross-entropy of a batch without gradients (validation). */
  loss(batch: SequenceBatch, state?: RnnState): BatchResult {
    const ws = this.#workspace(batch.batchSize, batch.numSteps);
    const next = this.#forward(ws, batch.X, state);
    this.#setTargets(ws, batch.Y);
    return { loss: this.#lossAndDLogits(ws, false), tokens: ws.B * ws.T, state: next };
  }

  /**
   * Forward, cross-entropy and truncated BPTT over one batch: fills every
   * gradient (overwriting) with ∂(mean NLL)/∂θ. The initial state is treated
   * as a constant, so no gradient crosses the batch boundary.
   */
  lossAndGradient(batch: SequenceBatch, state?: RnnState): BatchResult {
    const ws = this.#workspace(batch.batchSize, batch.numSteps);
    const next = this.#forward(ws, batch.X, state);
    this.#setTargets(ws, batch.Y);
    const loss = this.#lossAndDLogits(ws, true);
    this.#backward(ws);
    this.#version++;
    return { loss, tokens: ws.B * ws.T, state: next };
  }

  #workspace(B: number, T: number): Workspace {
    if (!Number.isInteger(B) || B < 1 || !Number.isInteger(T) || T < 1) {
      throw new SeqlmError('INVALID_ARGUMENT', `batch size and number of steps must be positive integers, got ${B} and ${T}`);
    }
    const key = `${B}x${T}`;
    const found = this.#workspaces.get(key);
    if (found !== undefined) return found;
    if (this.#workspaces.size >= MAX_WORKSPACES) this.#workspaces.delete(this.#workspaces.keys().next().value!);
    const { cell, linearBeforeReset: lbr, hiddenSize: H, vocabSize: V, embeddingSize } = this.config;
    const E = embeddingSize ?? 0;
    const GH = gateCount(cell) * H;
    const TB = T * B;
    const shared = this.#shared;
    const build = (k: Kernels): Workspace => {
      const alloc = k.alloc;
      const layers = this.#layers.map((layer, l) => {
        const cache = new LayerCache(k, layer.weightsFor(k, shared?.layers[l] ?? null), cell, lbr, B, T, layer.inSize, H, GH);
        // The wasm memory is sized once, so backward buffers are made up front there.
        if (shared === null) void cache.grad;
        return cache;
      });
      const Whq = this.#values.get('W_hq')!;
      const bq = this.#values.get('b_q')!;
      const eager = shared === null;
      return {
        B,
        T,
        k,
        version: -1,
        head:
          shared !== null
            ? { Whq, WhqT: shared.WhqT, gWhq: this.#grads.get('W_hq')!, gbq: this.#grads.get('b_q')! }
            : { Whq: alloc(Whq.length), WhqT: alloc(Whq.length), gWhq: alloc(Whq.length), gbq: alloc(bq.length) },
        tokens: new Int32Array(TB),
        targets: new Int32Array(TB),
        embIn: alloc(TB * E),
        layers,
        logits: alloc(TB * V),
        logitsT: alloc(eager ? V * TB : 0),
        outT: alloc(eager ? H * TB : 0),
        dEmb: alloc(eager ? TB * E : 0),
      };
    };
    let ws: Workspace;
    if (shared !== null) {
      ws = build(tsKernels(this.dtype));
    } else {
      const counter = new FloatCounter();
      build({ ...tsKernels('float32'), alloc: counter.alloc });
      ws = build(new WasmKernels(counter.bytes));
    }
    this.#workspaces.set(key, ws);
    return ws;
  }

  /** Syncs the workspace's weights (mirrors and transposes) with the parameters when they changed. */
  #refresh(ws: Workspace): void {
    if (ws.version === this.#version) return;
    const k = ws.k;
    this.#layers.forEach((layer, l) => layer.syncWeights(k, ws.layers[l]!.w));
    const { hiddenSize: H, vocabSize: V } = this.config;
    const Whq = this.#values.get('W_hq')!;
    if (ws.head.Whq !== Whq) ws.head.Whq.set(Whq);
    k.transpose(H, V, ws.head.Whq, 0, V, ws.head.WhqT, 0, H);
    // TS workspaces share one set of transposes, so one sync serves them all.
    if (this.#shared !== null) for (const other of this.#workspaces.values()) other.version = this.#version;
    ws.version = this.#version;
  }

  /** X is [B, T] row-major (or [B] for a step); fills the workspace and returns the final state. */
  #forward(ws: Workspace, X: Int32Array, state: RnnState | undefined): RnnState {
    const { B, T } = ws;
    const { vocabSize: V, hiddenSize: H, numLayers: L, embeddingSize } = this.config;
    const TB = T * B;
    if (!(X instanceof Int32Array) || X.length !== TB) {
      throw new SeqlmError('SHAPE_MISMATCH', `expected ${TB} token ids as an Int32Array [${B}, ${T}], got ${X?.length}`);
    }
    const tokens = ws.tokens;
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const id = X[b * T + t]!;
        if (id < 0 || id >= V) throw new SeqlmError('VOCAB_OOV', `token id ${id} is outside the vocabulary of size ${V}`, { id });
        tokens[t * B + b] = id;
      }
    }
    if (state !== undefined) {
      checkState(state);
      if (state.batchSize !== B || state.numLayers !== L || state.hiddenSize !== H || (state.c === null) !== (this.config.cell !== 'lstm')) {
        throw new SeqlmError('SHAPE_MISMATCH', `state is [${state.numLayers}, ${state.batchSize}, ${state.hiddenSize}], the model needs [${L}, ${B}, ${H}] (${this.config.cell})`);
      }
    }
    this.#refresh(ws);
    const BH = B * H;
    for (let l = 0; l < L; l++) {
      const cache = ws.layers[l]!;
      if (state === undefined) {
        cache.h0.fill(0);
        cache.c0.fill(0);
      } else {
        cache.h0.set(state.h.subarray(l * BH, (l + 1) * BH));
        if (state.c !== null) cache.c0.set(state.c.subarray(l * BH, (l + 1) * BH));
      }
    }

    const first = this.#layers[0]!;
    const firstCache = ws.layers[0]!;
    if (embeddingSize === null) {
      first.projectOneHot(firstCache, tokens);
    } else {
      const emb = this.#values.get('embedding')!;
      const E = embeddingSize;
      for (let r = 0; r < TB; r++) ws.embIn.set(emb.subarray(tokens[r]! * E, (tokens[r]! + 1) * E), r * E);
      first.projectDense(firstCache, ws.embIn);
    }
    first.forwardSequence(firstCache);
    for (let l = 1; l < L; l++) {
      this.#layers[l]!.projectDense(ws.layers[l]!, ws.layers[l - 1]!.out);
      this.#layers[l]!.forwardSequence(ws.layers[l]!);
    }

    const top = ws.layers[L - 1]!;
    const logits = ws.logits;
    const bq = this.#values.get('b_q')!;
    ws.k.gemmABt(TB, V, H, top.out, 0, H, ws.head.WhqT, 0, H, logits, 0, V, false);
    for (let r = 0; r < TB; r++) {
      const o = r * V;
      for (let j = 0; j < V; j++) logits[o + j] = logits[o + j]! + bq[j]!;
    }

    const next = this.initialState(B);
    const last = (T - 1) * BH;
    for (let l = 0; l < L; l++) {
      const cache = ws.layers[l]!;
      next.h.set(cache.out.subarray(last, last + BH), l * BH);
      if (next.c !== null) next.c.set(cache.c.subarray(last, last + BH), l * BH);
    }
    return next;
  }

  #setTargets(ws: Workspace, Y: Int32Array): void {
    const { B, T } = ws;
    const V = this.config.vocabSize;
    if (!(Y instanceof Int32Array) || Y.length !== B * T) {
      throw new SeqlmError('SHAPE_MISMATCH', `expected ${B * T} targets as an Int32Array [${B}, ${T}], got ${Y?.length}`);
    }
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const id = Y[b * T + t]!;
        if (id < 0 || id >= V) throw new SeqlmError('VOCAB_OOV', `target id ${id} is outside the vocabulary of size ${V}`, { id });
        ws.targets[t * B + b] = id;
      }
    }
  }

  /**
   * Mean NLL over the batch via log-sum-exp; with `withGrad`, overwrites the
   * logits by ∂L/∂o = (softmax(o) − onehot(y)) / (T·B).
   */
  #lossAndDLogits(ws: Workspace, withGrad: boolean): number {
    const V = this.config.vocabSize;
    const rows = ws.B * ws.T;
    const logits = ws.logits;
    const inv = 1 / rows;
    let total = 0;
    for (let r = 0; r < rows; r++) {
      const o = r * V;
      let max = -Infinity;
      for (let j = 0; j < V; j++) if (logits[o + j]! > max) max = logits[o + j]!;
      let sum = 0;
      for (let j = 0; j < V; j++) sum += Math.exp(logits[o + j]! - max);
      const lse = max + Math.log(sum);
      const y = ws.targets[r]!;
      total += lse - logits[o + y]!;
      if (withGrad) {
        for (let j = 0; j < V; j++) logits[o + j] = Math.exp(logits[o + j]! - lse) * inv;
        logits[o + y] = logits[o + y]! - inv;
      }
    }
    const loss = total / rows;
    if (!Number.isFinite(loss)) throw new SeqlmError('NON_FINITE', `loss is ${loss}; the parameters have diverged`, { loss });
    return loss;
  }

  #backward(ws: Workspace): void {
    const { B, T } = ws;
    const { vocabSize: V, hiddenSize: H, numLayers: L, embeddingSize } = this.config;
    const TB = T * B;
    if (ws.logitsT.length === 0) {
      ws.logitsT = allocFloat(this.dtype, V * TB);
      ws.outT = allocFloat(this.dtype, H * TB);
      ws.dEmb = allocFloat(this.dtype, TB * (embeddingSize ?? 0));
    }
    const top = ws.layers[L - 1]!;
    const dLogits = ws.logits;
    // Head: dW_hq = Hᵀ dO, db_q = Σ dO, dH = dO W_hqᵀ.
    const { k, head } = ws;
    k.transpose(TB, V, dLogits, 0, V, ws.logitsT, 0, TB);
    k.transpose(TB, H, top.out, 0, H, ws.outT, 0, TB);
    k.gemmABt(H, V, TB, ws.outT, 0, TB, ws.logitsT, 0, TB, head.gWhq, 0, V, false);
    k.columnSums(TB, V, dLogits, 0, V, head.gbq, 0, false);
    k.gemmABt(TB, H, V, dLogits, 0, V, head.Whq, 0, V, top.grad.dOut, 0, H, false);
    const gWhq = this.#grads.get('W_hq')!;
    const gbq = this.#grads.get('b_q')!;
    if (head.gWhq !== gWhq) gWhq.set(head.gWhq);
    if (head.gbq !== gbq) gbq.set(head.gbq);

    for (let l = L - 1; l >= 0; l--) {
      const layer = this.#layers[l]!;
      const cache = ws.layers[l]!;
      if (l > 0) {
        layer.backwardSequence(cache, ws.layers[l - 1]!.out, ws.tokens, ws.layers[l - 1]!.grad.dOut);
      } else if (embeddingSize === null) {
        layer.backwardSequence(cache, null, ws.tokens, null);
      } else {
        layer.backwardSequence(cache, ws.embIn, ws.tokens, ws.dEmb);
        const E = embeddingSize;
        const gEmb = this.#grads.get('embedding')!;
        gEmb.fill(0);
        for (let r = 0; r < TB; r++) {
          const w = ws.tokens[r]! * E;
          const o = r * E;
          for (let j = 0; j < E; j++) gEmb[w + j] = gEmb[w + j]! + ws.dEmb[o + j]!;
        }
      }
      layer.publishGradients(cache.w);
    }
  }
}
