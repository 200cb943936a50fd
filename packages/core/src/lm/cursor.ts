import { SeqlmError } from '../errors/index.ts';
import { logSoftmax } from '../sampling/index.ts';
import type { Prediction, Predictor, Scores } from './predictor.ts';

/**
 * A position in a text: the tokens consumed so far and the model's next-token
 * scores there. Feeding extends it; `fork` copies it in O(1) (states are never
 * modified in place), so one prompt can be continued several ways.
 */
export class LmCursor<S = unknown> {
  readonly #predictor: Predictor<S>;
  #at: Prediction<S>;
  #ids: number[];
  #logProbs: Float64Array | null = null;

  constructor(predictor: Predictor<S>, at: Prediction<S> = predictor.start(), ids: readonly number[] = []) {
    this.#predictor = predictor;
    this.#at = at;
    this.#ids = [...ids];
  }

  /** Token ids consumed so far. */
  get ids(): readonly number[] {
    return this.#ids;
  }

  /** Next-token scores (logits or ln p: softmax gives the distribution); null before the first token of a model that needs one. */
  get scores(): Scores | null {
    return this.#at.scores;
  }

  /** ln p(next = v | the tokens so far) for every id v, or null where `scores` is null. */
  logProbs(): Float64Array | null {
    if (this.#at.scores === null) return null;
    this.#logProbs ??= this.#predictor.normalized && this.#at.scores instanceof Float64Array ? this.#at.scores : logSoftmax(this.#at.scores);
    return this.#logProbs;
  }

  /** The state after the tokens so far (opaque; for `PrefixCursor` checkpoints and mixtures). */
  get prediction(): Prediction<S> {
    return this.#at;
  }

  /** Consumes `ids` (all at once: one graph run for a neural model). */
  async feed(ids: ArrayLike<number>): Promise<this> {
    if (ids.length === 0) return this;
    const chunk = checkIds(ids, this.#predictor.vocabSize);
    this.#at = await this.#predictor.advance(this.#at.state, chunk);
    for (const id of chunk) this.#ids.push(id);
    this.#logProbs = null;
    return this;
  }

  /** An independent copy at the same position. */
  fork(): LmCursor<S> {
    return new LmCursor(this.#predictor, this.#at, this.#ids);
  }
}

/** Token ids as an Int32Array, each checked to lie in [0, V). */
export function checkIds(ids: ArrayLike<number>, vocabSize: number): Int32Array {
  const out = ids instanceof Int32Array ? ids : Int32Array.from(ids);
  for (let i = 0; i < out.length; i++) {
    const id = out[i] as number;
    if (!(id >= 0 && id < vocabSize) || id !== (ids[i] as number)) {
      throw new SeqlmError('VOCAB_OOV', `token id ${String(ids[i])} is outside the vocabulary of size ${vocabSize}`, { id: ids[i], index: i });
    }
  }
  return out;
}
