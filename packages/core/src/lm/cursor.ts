import { SeqlmError } from '../errors/index.ts';
import { logSoftmax } from '../sampling/index.ts';
import type { MaybePromise, Prediction, Predictor, Scores } from './predictor.ts';

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
  feed(ids: ArrayLike<number>): Promise<this> {
    // Not an async function: this runs once per generated token, and an async frame costs a few µs each time.
    let next: MaybePromise<Prediction<S>>;
    let chunk: Int32Array;
    try {
      if (ids.length === 0) return Promise.resolve(this);
      chunk = checkIds(ids, this.#predictor.vocabSize);
      next = this.#predictor.advance(this.#at.state, chunk);
    } catch (error) {
      return Promise.reject(error);
    }
    const moveTo = (at: Prediction<S>): this => {
      this.#at = at;
      for (const id of chunk) this.#ids.push(id);
      this.#logProbs = null;
      return this;
    };
    return isThenable(next) ? Promise.resolve(next).then(moveTo) : Promise.resolve(moveTo(next));
  }

  /** An independent copy at the same position. */
  fork(): LmCursor<S> {
    return new LmCursor(this.#predictor, this.#at, this.#ids);
  }
}

function isThenable<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown }).then === 'function';
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
