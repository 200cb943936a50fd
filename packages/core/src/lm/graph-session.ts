import { SeqlmError } from '../errors/index.ts';
import type { GraphIo, NeuralManifest } from '../manifest/index.ts';
import { Vocab } from '../vocab/index.ts';
import { LanguageModel } from './language-model.ts';
import type { HiddenStates, Prediction, Predictor, SequenceLogProbs } from './predictor.ts';
import { logProbsFromRows } from './rows.ts';

/** A tensor in or out of a graph run, as plain typed arrays: what onnxruntime's `Tensor` holds. */
export interface GraphTensor {
  readonly type: string;
  readonly data: Float32Array | Int32Array | BigInt64Array | unknown;
  readonly dims: readonly number[];
}

/**
 * An inference session, structurally: onnxruntime-web's and onnxruntime-node's
 * `InferenceSession` satisfy it through a few-line adapter that turns plain
 * feeds into their `Tensor`s. Core never imports onnxruntime.
 */
export interface GraphSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Runs the graph; `fetches`, when given, names the outputs wanted (a session may return more). */
  run(
    feeds: Record<string, { type: 'float32' | 'int32' | 'int64'; data: Float32Array | Int32Array | BigInt64Array; dims: readonly number[] }>,
    fetches?: readonly string[],
  ): Promise<Record<string, GraphTensor>>;
}

export type GraphFeeds = Parameters<GraphSession['run']>[0];

/** What `adaptOrtSession` needs of an onnxruntime (web or node) `InferenceSession`. */
export interface OrtLikeSession<T> {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, T>, fetches: readonly string[]): Promise<Record<string, GraphTensor>>;
}

/** onnxruntime's `Tensor` class, as a constructor from a type, data and dims. */
export type OrtLikeTensor<T> = new (type: 'float32' | 'int32' | 'int64', data: Float32Array | Int32Array | BigInt64Array, dims: readonly number[]) => T;

/**
 * The few-line adapter from an onnxruntime session to a `GraphSession`: pass
 * the session and the same package's `Tensor` class (`ort.Tensor`), so core
 * stays free of onnxruntime while every app adapts sessions the same way.
 */
export function adaptOrtSession<T>(session: OrtLikeSession<T>, Tensor: OrtLikeTensor<T>): GraphSession {
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    run: (feeds, fetches) => {
      const tensors: Record<string, T> = {};
      for (const name in feeds) {
        const f = feeds[name] as GraphFeeds[string];
        // A state the session returned goes back in as it is (a graph's carried state, once per token).
        tensors[name] = f instanceof Tensor ? f : new Tensor(f.type, f.data, f.dims);
      }
      return session.run(tensors, fetches ?? session.outputNames);
    },
  };
}

/** The state a neural graph carries between runs: one tensor per `io.state` pair, batch 1. */
export type GraphState = readonly GraphTensor[];

/**
 * An exported RNN/GRU/LSTM graph as a predictor, driven by the I/O contract the
 * manifest records (`onnx.io`): the token input and logits output with their
 * batch and time axes, and the state pairs carried from run to run. A prompt
 * goes through in one run (T = its length, D2L 9.5 warm-up); decoding then runs
 * T = 1 from the carried state.
 */
export class GraphPredictor implements Predictor<GraphState | null> {
  readonly vocabSize: number;
  readonly normalized = false;
  readonly #session: GraphSession;
  readonly #io: GraphIo;
  readonly #tokenName: string;
  readonly #batchFirst: boolean;
  readonly #stateInputs: readonly string[];
  readonly #tokenType: 'int32' | 'int64';
  readonly #hiddenSize: number;
  readonly #fetches: readonly string[];
  readonly #fetchesWithHidden: readonly string[];
  // Zeros, shared by every run: sessions copy inputs and never write them.
  readonly #zeroState: GraphState;

  constructor(manifest: NeuralManifest, session: GraphSession) {
    const onnx = manifest.onnx;
    if (onnx?.io === undefined) throw new SeqlmError('MODEL_INVALID', 'the manifest has no ONNX I/O contract (onnx.io)');
    const io = onnx.io;
    for (const name of [io.tokens.name, ...io.state.map((s) => s.input)]) {
      if (!session.inputNames.includes(name)) throw new SeqlmError('MODEL_INVALID', `the ONNX graph has no input "${name}" (it has ${session.inputNames.join(', ')})`);
    }
    for (const name of [io.logits.name, ...io.state.map((s) => s.output), ...(io.hidden !== undefined ? [io.hidden.name] : [])]) {
      if (!session.outputNames.includes(name)) throw new SeqlmError('MODEL_INVALID', `the ONNX graph has no output "${name}" (it has ${session.outputNames.join(', ')})`);
    }
    this.#session = session;
    this.#io = io;
    this.#tokenName = io.tokens.name;
    this.#batchFirst = io.tokens.batchAxis < io.tokens.timeAxis;
    this.#stateInputs = io.state.map((s) => s.input);
    this.vocabSize = manifest.architecture.vocabSize;
    this.#hiddenSize = manifest.architecture.hiddenSize;
    this.#fetches = [io.logits.name, ...io.state.map((s) => s.output)];
    this.#fetchesWithHidden = io.hidden === undefined ? this.#fetches : [...this.#fetches, io.hidden.name];
    const tokenSpec = onnx.inputs.find((t) => t.name === io.tokens.name);
    this.#tokenType = tokenSpec?.dtype === 'int64' ? 'int64' : 'int32';
    this.#zeroState = io.state.map((pair) => {
      const spec = onnx.inputs.find((t) => t.name === pair.input);
      const dims = (spec?.shape ?? []).map((d, axis) => (axis === pair.batchAxis ? 1 : typeof d === 'number' ? d : 1));
      return { type: 'float32', data: new Float32Array(dims.reduce((a, b) => a * b, 1)), dims };
    });
  }

  start(): Prediction<GraphState | null> {
    return { state: null, scores: null };
  }

  // Promise chains rather than async functions on the per-token path: each async frame costs a few µs a token.
  advance(state: GraphState | null, ids: Int32Array): Promise<Prediction<GraphState | null>> {
    const T = ids.length;
    return this.#session.run(this.#feeds(ids, state), this.#fetches).then((outputs) => {
      const out = this.#read(outputs, T);
      return { state: out.state, scores: T === 1 ? out.logits : out.logits.subarray((T - 1) * this.vocabSize) };
    });
  }

  /** The first token has no prediction (there is no start token); tokens 2..T come from one run. */
  async logProbsOf(ids: Int32Array): Promise<SequenceLogProbs> {
    if (ids.length < 2) return { logProbs: new Float64Array(ids.length).fill(Number.NaN), trailing: [] };
    const { logits } = await this.run(ids.subarray(0, ids.length - 1), null);
    return { logProbs: logProbsFromRows(logits, ids, this.vocabSize), trailing: [] };
  }

  /** Whether the graph returns the per-step hidden states (`onnx.io.hidden`, exported since the graphs gained it). */
  get hasHiddenStates(): boolean {
    return this.#io.hidden !== undefined;
  }

  /**
   * h_t of the last layer after each id, from the zero state, read from the
   * graph's hidden output in the same single run that gives the logits.
   * Throws `UNSUPPORTED` for a graph exported without that output.
   */
  async hiddenStates(ids: Int32Array): Promise<HiddenStates> {
    const spec = this.#io.hidden;
    if (spec === undefined) {
      throw new SeqlmError('UNSUPPORTED', 'this model was exported before ONNX graphs returned their hidden states: export it again from its weights to look inside (`seqlm export <model-dir>`, about a second)');
    }
    const { outputs } = await this.run(ids, null, true);
    const t = outputs[spec.name];
    const T = ids.length;
    const H = this.#hiddenSize;
    // Batch 1 with H last: [1, T, H] and [T, 1, H] are the same row-major [T, H].
    if (t === undefined || !(t.data instanceof Float32Array) || t.data.length !== T * H || t.dims.at(-1) !== H) {
      throw new SeqlmError('SHAPE_MISMATCH', `expected ${T}×${H} float32 hidden states from the graph's "${spec.name}"`);
    }
    return { steps: T, size: H, data: t.data };
  }

  /**
   * One run over `ids` (batch 1) from `state` (zeros when null): logits `[T, V]` row-major and the state after the last id.
   * Only the logits and state are fetched unless `withHidden`: the per-step hidden states are T×H floats to copy out.
   */
  run(ids: Int32Array, state: GraphState | null, withHidden = false): Promise<{ logits: Float32Array; state: GraphState; outputs: Record<string, GraphTensor> }> {
    return this.#session.run(this.#feeds(ids, state), withHidden ? this.#fetchesWithHidden : this.#fetches).then((outputs) => this.#read(outputs, ids.length));
  }

  /** The feeds of one run: the ids (batch 1) and the carried state, zeros when null. */
  #feeds(ids: Int32Array, state: GraphState | null): GraphFeeds {
    const T = ids.length;
    const feeds: GraphFeeds = {};
    feeds[this.#tokenName] = { type: this.#tokenType, data: this.#tokenType === 'int64' ? BigInt64Array.from(ids, (v) => BigInt(v)) : ids, dims: this.#batchFirst ? [1, T] : [T, 1] };
    // Each state tensor is a float32 feed as it stands (#read checks what a run returns), so it goes back in unchanged.
    const carried = state ?? this.#zeroState;
    for (let i = 0; i < this.#stateInputs.length; i++) feeds[this.#stateInputs[i] as string] = carried[i] as GraphFeeds[string];
    return feeds;
  }

  /** The logits `[T, V]` and the next state out of a run's outputs, checked. */
  #read(outputs: Record<string, GraphTensor>, T: number): { logits: Float32Array; state: GraphState; outputs: Record<string, GraphTensor> } {
    const io = this.#io;
    const logits = outputs[io.logits.name];
    const V = this.vocabSize;
    if (logits === undefined || !(logits.data instanceof Float32Array) || logits.data.length !== T * V || logits.dims.at(-1) !== V) {
      throw new SeqlmError('SHAPE_MISMATCH', `expected ${T}×${V} float32 logits from the graph's "${io.logits.name}"`);
    }
    // Batch 1: [T, 1, V] and [1, T, V] are the same row-major [T, V].
    const next = io.state.map((pair) => {
      const t = outputs[pair.output];
      if (t === undefined) throw new SeqlmError('SHAPE_MISMATCH', `the graph returned no "${pair.output}"`);
      if (t.type !== 'float32' || !(t.data instanceof Float32Array)) throw new SeqlmError('SHAPE_MISMATCH', `expected float32 state from the graph's "${pair.output}", got ${t.type}`);
      return t;
    });
    return { logits: logits.data, state: next, outputs };
  }
}

/** An RNN/GRU/LSTM language model run from its exported ONNX graph by any `GraphSession` (onnxruntime-web, -node). */
export class NeuralLm extends LanguageModel<GraphState | null> {
  declare readonly manifest: NeuralManifest;
  declare readonly predictor: GraphPredictor;

  constructor(id: string, manifest: NeuralManifest, session: GraphSession) {
    super({ id, manifest, vocab: Vocab.fromJSON(manifest.vocab), predictor: new GraphPredictor(manifest, session) });
  }
}
