import { SeqlmError } from '@seqlm/core/errors';
import { Vocab } from '@seqlm/core/vocab';
import { logSoftmax } from '@seqlm/core/sampling';
import type { NeuralManifest, TensorSpec } from '@seqlm/core/manifest';
import { createSession, ort, type InferenceSession } from '../ort.ts';
import { detokenize, encodePrefix, encodeText, type Decoder, type EncodedText, type LanguageModel, type TokenScores } from './language-model.ts';
import type { IncrementalModel } from './prefix-cursor.ts';

/** Recurrent state as ORT tensors, one per state input of the graph (h, and c for an LSTM). */
export type NeuralState = ort.Tensor[];

/** How the exported graph is fed and read, worked out once from the manifest's `onnx` section. */
interface GraphIo {
  tokens: TensorSpec;
  /** Whether tokens and logits are time-major, [T, B, ...] (else batch-major, [B, T, ...]). */
  timeMajor: boolean;
  logits: string;
  /** State inputs, and the outputs that carry them to the next run, in the same order. */
  stateIn: TensorSpec[];
  stateOut: string[];
}

const TIME_DIM = /^(time|seq|seq_len|sequence|t|steps?)$/i;

function graphIo(manifest: NeuralManifest): GraphIo {
  const onnx = manifest.onnx;
  if (onnx === undefined) throw new SeqlmError('UNSUPPORTED', 'this model has no ONNX graph (only a core weights file), which the playground needs');
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
 * An RNN/GRU/LSTM language model run by onnxruntime-web. A prompt goes through
 * the graph in one run (T = its length); after that every run is T = new
 * tokens with the state carried from the previous run (D2L 9.5 warm-up, then
 * one step per token).
 */
export class NeuralModel implements LanguageModel<NeuralState> {
  readonly id: string;
  readonly manifest: NeuralManifest;
  readonly vocab: Vocab;
  readonly stopIds: readonly number[] = [];
  readonly incremental: IncrementalModel<NeuralState>;
  readonly #session: InferenceSession;
  readonly #io: GraphIo;
  readonly #V: number;

  private constructor(id: string, manifest: NeuralManifest, session: InferenceSession, io: GraphIo) {
    this.id = id;
    this.manifest = manifest;
    this.vocab = Vocab.fromJSON(manifest.vocab);
    this.#session = session;
    this.#io = io;
    this.#V = manifest.architecture.vocabSize;
    this.incremental = {
      initial: () => ({ state: this.initialState(), scores: null }),
      feed: (state, ids) => this.prefill(ids, state).then(({ logits, state: next }) => ({ state: next, scores: logits.subarray((ids.length - 1) * this.#V) })),
    };
  }

  /** Creates the session; `onnxBytes` must already be verified against the manifest. */
  static async load(id: string, manifest: NeuralManifest, onnxBytes: Uint8Array): Promise<NeuralModel> {
    const io = graphIo(manifest);
    return new NeuralModel(id, manifest, await createSession(onnxBytes), io);
  }

  encode(text: string): EncodedText {
    return encodeText(text, this.manifest.text, this.vocab);
  }

  encodePrefix(text: string): EncodedText {
    return encodePrefix(text, this.manifest.text, this.vocab);
  }

  detokenize(tokens: readonly string[]): string {
    return detokenize(this.manifest.text, tokens);
  }

  /** The first token has no prediction (there is no start token); tokens 2..T are scored in one run. */
  async score(ids: Int32Array): Promise<TokenScores> {
    const logProbs: (number | null)[] = ids.length > 0 ? [null] : [];
    if (ids.length < 2) return { logProbs, trailing: [] };
    const { logits } = await this.prefill(ids.subarray(0, ids.length - 1), this.initialState());
    const V = this.#V;
    for (let t = 0; t + 1 < ids.length; t++) {
      const row = logSoftmax(logits.subarray(t * V, (t + 1) * V));
      logProbs.push(row[ids[t + 1] as number] as number);
    }
    return { logProbs, trailing: [] };
  }

  async decoder(ids: Int32Array): Promise<Decoder> {
    const first = await this.prefill(ids, this.initialState());
    let state = first.state;
    const decoder = {
      scores: first.logits.subarray((ids.length - 1) * this.#V),
      push: async (id: number): Promise<void> => {
        const out = await this.prefill(Int32Array.of(id), state);
        state = out.state;
        decoder.scores = out.logits;
      },
    };
    return decoder;
  }

  /** Zeros for every state input, batch 1 (D2L `begin_state`). */
  initialState(): NeuralState {
    return this.#io.stateIn.map((spec) => {
      const dims = spec.shape.map((d) => (typeof d === 'number' ? d : 1));
      return new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);
    });
  }

  /** One graph run over `ids` (batch 1) from `state`: logits [T, V] row-major and the state after the last token. */
  async prefill(ids: Int32Array, state: NeuralState): Promise<{ logits: Float32Array; state: NeuralState }> {
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
}
