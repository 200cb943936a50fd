import { decodeWeights, type NeuralManifest } from '../manifest/index.ts';
import { RnnModel, type RnnState } from '../rnn/index.ts';
import { Vocab } from '../vocab/index.ts';
import { LanguageModel } from './language-model.ts';
import type { HiddenStates, Prediction, Predictor, SequenceLogProbs } from './predictor.ts';
import { checkNeuralWeights } from './rnn-config.ts';
import { logProbsFromRows } from './rows.ts';

/**
 * Core's own RNN/GRU/LSTM forward pass as a predictor: no onnxruntime, so it
 * runs anywhere core does (Node scripts, tests, Workers without wasm). A run
 * over T tokens is one `forward` of batch 1.
 */
export class RnnPredictor implements Predictor<RnnState | null> {
  readonly vocabSize: number;
  readonly normalized = false;
  readonly model: RnnModel;

  constructor(model: RnnModel) {
    this.model = model;
    this.vocabSize = model.config.vocabSize;
  }

  start(): Prediction<RnnState | null> {
    return { state: null, scores: null };
  }

  advance(state: RnnState | null, ids: Int32Array): Prediction<RnnState | null> {
    const { logits, state: next } = this.#run(ids, state);
    const V = this.vocabSize;
    return { state: next, scores: logits.subarray((ids.length - 1) * V) };
  }

  /** The first token has no prediction (there is no start token); tokens 2..T come from one forward pass. */
  logProbsOf(ids: Int32Array): SequenceLogProbs {
    if (ids.length < 2) return { logProbs: new Float64Array(ids.length).fill(Number.NaN), trailing: [] };
    const { logits } = this.#run(ids.subarray(0, ids.length - 1), null);
    return { logProbs: logProbsFromRows(logits, ids, this.vocabSize), trailing: [] };
  }

  /** h_t of the top layer after each id, from the zero state: [T, H] (batch 1). */
  hiddenStates(ids: Int32Array): HiddenStates {
    const H = this.model.config.hiddenSize;
    const hidden = this.model.hiddenStates(ids, 1, ids.length);
    return { steps: ids.length, size: H, data: hidden instanceof Float32Array ? hidden : Float32Array.from(hidden) };
  }

  /** Logits [T, V] (batch 1, so time-major equals row-major) and the state after the last id. */
  #run(ids: Int32Array, state: RnnState | null): { logits: Float32Array; state: RnnState } {
    const out = this.model.forward(ids, 1, ids.length, state ?? this.model.initialState(1));
    const logits = out.logits instanceof Float32Array ? out.logits : Float32Array.from(out.logits);
    return { logits, state: out.state };
  }
}

/** An RNN/GRU/LSTM language model computed by @seqlm/core itself from a manifest's weights container. */
export class RnnLm extends LanguageModel<RnnState | null> {
  declare readonly manifest: NeuralManifest;
  declare readonly predictor: RnnPredictor;

  constructor(id: string, manifest: NeuralManifest, model: RnnModel) {
    super({ id, manifest, vocab: Vocab.fromJSON(manifest.vocab), predictor: new RnnPredictor(model) });
  }

  /** Builds the model from the bytes of the manifest's weights file (already checked against the manifest). */
  static fromWeights(id: string, manifest: NeuralManifest, weightsBytes: Uint8Array): RnnLm {
    const weights = decodeWeights(weightsBytes);
    const config = checkNeuralWeights(manifest, weights, manifest.weights?.file);
    return new RnnLm(id, manifest, RnnModel.fromParameters(config, weights));
  }
}
