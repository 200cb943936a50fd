import type { Scores } from './language-model.ts';

/** A model that can resume from a saved state: what makes typing cost one step per new character. */
export interface IncrementalModel<S> {
  /** The state before any token and, when the model can predict from nothing (`<s>`), its scores. */
  initial(): { state: S; scores: Scores | null };
  /** Feeds `ids` (at least one) from `state`; the state after the last id and the scores for the next token. */
  feed(state: S, ids: Int32Array): Promise<{ state: S; scores: Scores }>;
}

interface Checkpoint<S> {
  /** Tokens consumed to reach this state. */
  length: number;
  state: S;
  scores: Scores | null;
}

export interface CursorUpdate {
  /** Scores for the token after the prefix; null when the model needs at least one token. */
  scores: Scores | null;
  /** Tokens fed to the model for this update (0 when a saved state answered). */
  fed: number;
  /** Tokens of the prefix covered by a saved state, not recomputed. */
  reused: number;
}

/** Length of the common prefix of `a` and `b`. */
export function commonPrefixLength(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/**
 * Follows a prefix as it is edited and keeps the recurrent state after it, so
 * appending feeds only the new tokens (D2L 9.5: the state summarises
 * everything before). Each update saves a checkpoint; an edit rewinds to the
 * last checkpoint inside the unchanged part (deleting the last character
 * costs nothing) and feeds from there, or re-prefills from the start.
 */
export class PrefixCursor<S> {
  readonly #model: IncrementalModel<S>;
  readonly #maxCheckpoints: number;
  #ids: Int32Array = new Int32Array(0);
  /** Increasing `length`; the first is always the initial state. */
  #checkpoints: Checkpoint<S>[];
  #queue: Promise<unknown> = Promise.resolve();

  constructor(model: IncrementalModel<S>, options: { maxCheckpoints?: number } = {}) {
    this.#model = model;
    this.#maxCheckpoints = Math.max(2, options.maxCheckpoints ?? 256);
    const { state, scores } = model.initial();
    this.#checkpoints = [{ length: 0, state, scores }];
  }

  /** The ids the current state has consumed. */
  get ids(): Int32Array {
    return this.#ids;
  }

  /** Moves to `ids`; calls are serialised, so each sees the checkpoints the previous one left. */
  update(ids: Int32Array): Promise<CursorUpdate> {
    const next = this.#queue.then(() => this.#update(ids));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #update(ids: Int32Array): Promise<CursorUpdate> {
    const keep = commonPrefixLength(this.#ids, ids);
    // Checkpoints past the unchanged part describe text that is gone.
    while ((this.#checkpoints.at(-1) as Checkpoint<S>).length > keep) this.#checkpoints.pop();
    const from = this.#checkpoints.at(-1) as Checkpoint<S>;
    this.#ids = ids.slice();
    if (from.length === ids.length) return { scores: from.scores, fed: 0, reused: from.length };
    const out = await this.#model.feed(from.state, ids.subarray(from.length));
    this.#checkpoints.push({ length: ids.length, state: out.state, scores: out.scores });
    // Drop the oldest saved states (never the initial one) to bound memory on long texts.
    if (this.#checkpoints.length > this.#maxCheckpoints) this.#checkpoints.splice(1, 1);
    return { scores: out.scores, fed: ids.length - from.length, reused: from.length };
  }
}
