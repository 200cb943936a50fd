import { SeqlmError, Vocab, type NeuralManifest, type TensorSpec } from '@seqlm/core';
import { logSoftmax } from '@seqlm/core/sampling';
import { createSession, ort, type InferenceSession } from '../ort.ts';
import { encodePrefix, encodeText, type Decoder, type EncodedText, type LanguageModel, type Scores, type TokenScores } from './language-model.ts';

/** Recurrent state as ORT tensors, one per state input of the graph (h, and c for an LSTM). */
type State = ort.Tensor[];

/** How the exported graph is fed and read, worked out once from the manifest's `onnx` section. */
interface GraphIo {
  tokens: TensorSpec;
  /** Whether tokens and logits are time-major, [T, B, ...] (else batch-major, [B, T, ...]). */
  timeMajor: boolean;
  logits: string;
  /** State inputs and the outputs that carry them to the next run, in the same order. */
  stateIn: TensorSpec[];
  stateOut: string[];
}

const TIME_DIM = /^(time|seq|seq_len|sequence|t|steps?)$/i;

function graphIo(manifest: NeuralManifest): GraphIo {
  const onnx = manifest.onnx;
  if (onnx === undefined) throw new SeqlmError('MODEL_INVALID', `model has no onnx section`);
  const tokens = onnx.inputs.find((t) => t.dtype === 'int64' || t.dtype === 'int32');
  if (tokens === undefined) throw new SeqlmError('MODEL_INVALID', 'the ONNX graph has no integer token input');
  const stateIn = onnx.inputs.filter((t) => t !== tokens);
  const logitsSpec = onnx.outputs.find((t) => t.name === 'logits') ?? onnx.outputs[0];
  if (logitsSpec === undefined) throw new SeqlmError('MODEL_INVALID', 'the ONNX graph has no outputs');
  const stateOut = onnx.outputs.filter((t) => t !== logitsSpec).map((t) => t.name);
  if (stateOut.length !== stateIn.length) {
    throw new SeqlmError('MODEL_INVALID', `the ONNX graph has ${stateIn.length} state inputs but ${stateOut.length} state outputs`);
  }
  const timeAxis = tokens.shape.findIndex((d) => typeof d === 'string' && TIME_DIM.test(d));
  return { tokens, timeMajor: timeAxis === 0, logits: logitsSpec.name, stateIn, stateOut };
}

/**
 * A neural language model run by onnxruntime-web. The prompt goes through the
 * graph in one run (T = prompt length, D2L 9.5 warm-up); decoding then runs
 * T = 1 with the state carried from the previous run.
 */
export class NeuralModel implements LanguageModel {
  readonly id: string;
  readonly manifest: NeuralManifest;
  readonly vocab: Vocab;
  readonly stopIds: readonly number[] = [];
  readonly #session: InferenceSession;
  readonly #io: GraphIo;
  readonly #V: number;
  // Zeros, shared by every request: ORT copies inputs into wasm memory and never writes them.
  readonly #zeroState: State;

  private constructor(id: string, manifest: NeuralManifest, session: InferenceSession) {
    this.id = id;
    this.manifest = manifest;
    this.vocab = Vocab.fromJSON(manifest.vocab);
    this.#session = session;
    this.#io = graphIo(manifest);
    this.#V = manifest.architecture.vocabSize;
    this.#zeroState = this.#io.stateIn.map((spec) => {
      const dims = spec.shape.map((d) => (typeof d === 'number' ? d : 1));
      return new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);
    });
  }

  static async load(id: string, manifest: NeuralManifest, onnxBytes: ArrayBuffer | Uint8Array): Promise<NeuralModel> {
    return new NeuralModel(id, manifest, await createSession(onnxBytes));
  }

  encode(text: string): EncodedText {
    return encodeText(text, this.manifest.text, this.vocab);
  }

  encodePrefix(text: string): EncodedText {
    return encodePrefix(text, this.manifest.text, this.vocab);
  }

  async next(ids: Int32Array): Promise<Float64Array> {
    const { logits } = await this.#run(ids, this.#initialState());
    return logSoftmax(logits.subarray((ids.length - 1) * this.#V));
  }

  /** The first token has no prediction (there is no start token); tokens 2..T are scored. */
  async score(ids: Int32Array): Promise<TokenScores> {
    if (ids.length < 2) return { tokens: [], logProbs: new Float64Array(0) };
    const { logits } = await this.#run(ids.subarray(0, ids.length - 1), this.#initialState());
    const V = this.#V;
    const logProbs = new Float64Array(ids.length - 1);
    for (let t = 0; t + 1 < ids.length; t++) {
      const row = logSoftmax(logits.subarray(t * V, (t + 1) * V));
      logProbs[t] = row[ids[t + 1] as number] as number;
    }
    return { tokens: this.vocab.decode(ids.subarray(1)), logProbs };
  }

  async decoder(ids: Int32Array): Promise<Decoder> {
    const first = await this.#run(ids, this.#initialState());
    let state = first.state;
    const V = this.#V;
    const decoder = {
      scores: first.logits.subarray((ids.length - 1) * V) as Scores,
      push: async (id: number): Promise<void> => {
        const out = await this.#run(Int32Array.of(id), state);
        state = out.state;
        decoder.scores = out.logits;
      },
    };
    return decoder;
  }

  /** One graph run over `ids` (batch 1) from `state`: logits [T, V] row-major and the state after the last token. */
  async #run(ids: Int32Array, state: State): Promise<{ logits: Float32Array; state: State }> {
    if (ids.length === 0) throw new SeqlmError('INVALID_ARGUMENT', 'a neural model needs at least one token of input');
    const io = this.#io;
    const T = ids.length;
    const dims = io.timeMajor ? [T, 1] : [1, T];
    const tokens =
      io.tokens.dtype === 'int64'
        ? new ort.Tensor('int64', BigInt64Array.from(ids, (v) => BigInt(v)), dims)
        : new ort.Tensor('int32', Int32Array.from(ids), dims);
    const feeds: Record<string, ort.Tensor> = { [io.tokens.name]: tokens };
    io.stateIn.forEach((spec, i) => (feeds[spec.name] = state[i] as ort.Tensor));
    const out = await this.#session.run(feeds);
    const logits = out[io.logits];
    if (logits === undefined || !(logits.data instanceof Float32Array) || logits.data.length !== T * this.#V) {
      throw new SeqlmError('SHAPE_MISMATCH', `expected ${T}x${this.#V} float32 logits from the graph`);
    }
    // Batch 1: [T, 1, V] and [1, T, V] are the same row-major [T, V].
    return { logits: logits.data, state: io.stateOut.map((name) => out[name] as ort.Tensor) };
  }

  #initialState(): State {
    return this.#zeroState;
  }
}
