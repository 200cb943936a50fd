import type { NgramManifest } from '../manifest/index.ts';
import { loadNgram, scoreIds, type NgramModel } from '../ngram/index.ts';
import { LanguageModel } from './language-model.ts';
import type { Prediction, Predictor, SequenceLogProbs } from './predictor.ts';

/** ln of each probability; -Infinity where the model gives 0 (`<s>`). */
function logOf(p: Float64Array): Float64Array {
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) out[i] = Math.log(p[i] as number);
  return out;
}

/**
 * Core's counting model seen as a predictor. Its state is the last N−1 ids
 * (D2L 9.3's Markov assumption), `<s>` first when the model was trained with
 * sentence boundaries, so a step is a few trie lookups.
 */
export class NgramPredictor implements Predictor<readonly number[]> {
  readonly vocabSize: number;
  readonly normalized = true;
  readonly model: NgramModel;
  readonly #bos: number[];
  readonly #keep: number;

  constructor(model: NgramModel) {
    this.model = model;
    this.vocabSize = model.vocab.size;
    this.#bos = usesBoundaries(model) ? [model.bos] : [];
    this.#keep = Math.max(0, model.order - 1);
  }

  start(): Prediction<readonly number[]> {
    return { state: this.#bos, scores: logOf(this.model.distribution(this.#bos)) };
  }

  advance(state: readonly number[], ids: Int32Array): Prediction<readonly number[]> {
    // Only the last N−1 ids condition the next token, so the state never grows past them.
    const context = this.#keep === 0 ? [] : [...state, ...ids].slice(-this.#keep);
    return { state: context, scores: logOf(this.model.distribution(context)) };
  }

  /** Every token is scored from its N−1 predecessors, then `</s>` when the model uses boundaries (core's `scoreIds`). */
  logProbsOf(ids: Int32Array): SequenceLogProbs {
    const { logProbs } = scoreIds(this.model, ids);
    const trailing = ids.length > 0 && usesBoundaries(this.model) ? [{ id: this.model.eos, logProb: logProbs[ids.length] as number }] : [];
    return { logProbs: logProbs.subarray(0, ids.length), trailing };
  }
}

function usesBoundaries(model: NgramModel): boolean {
  return model.boundaries && model.bos >= 0 && model.eos >= 0;
}

/** An n-gram language model (MLE, add-k, Kneser-Ney or ARPA back-off) from @seqlm/core/ngram. */
export class NgramLm extends LanguageModel<readonly number[]> {
  declare readonly manifest: NgramManifest;
  declare readonly predictor: NgramPredictor;

  constructor(id: string, manifest: NgramManifest, model: NgramModel) {
    const predictor = new NgramPredictor(model);
    super({ id, manifest, vocab: model.vocab, predictor, stopIds: usesBoundaries(model) ? [model.eos] : [] });
  }

  /**
   * Decodes a compact n-gram file after checking it against the manifest (size, sha256, contents);
   * `{verified: true}` skips the hash for bytes the caller has already checked.
   */
  static fromBytes(id: string, manifest: NgramManifest, bytes: Uint8Array, options: { verified?: boolean } = {}): NgramLm {
    return new NgramLm(id, manifest, loadNgram(manifest, bytes, { verify: options.verified !== true }));
  }

  /** The counting model underneath. */
  get ngram(): NgramModel {
    return this.predictor.model;
  }
}
