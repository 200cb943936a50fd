import type { LmCursor } from './cursor.ts';

export interface PrefixUpdate {
  /** The cursor at the new prefix (read `scores` / `logProbs()`); do not feed it, fork it. */
  cursor: LmCursor;
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
 * Follows a prefix as it is edited (typing in a text box) and keeps the model's
 * state after it, so appending feeds only the new tokens (D2L 9.5: the state
 * summarises everything before). Each update saves a checkpoint; an edit
 * rewinds to the last checkpoint inside the unchanged part (deleting the last
 * character costs nothing) and feeds from there.
 */
export class PrefixCursor {
  readonly #maxCheckpoints: number;
  /** Increasing length; the first is always the empty prefix. */
  readonly #checkpoints: LmCursor[];
  #ids: readonly number[] = [];
  #queue: Promise<unknown> = Promise.resolve();

  constructor(start: LmCursor, options: { maxCheckpoints?: number } = {}) {
    this.#maxCheckpoints = Math.max(2, options.maxCheckpoints ?? 256);
    this.#checkpoints = [start.fork()];
  }

  /** The ids of the current prefix. */
  get ids(): readonly number[] {
    return this.#ids;
  }

  /** Moves to `ids`; calls are serialised, so each sees the checkpoints the previous one left. */
  update(ids: ArrayLike<number>): Promise<PrefixUpdate> {
    const next = this.#queue.then(() => this.#update(Array.from(ids)));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #update(ids: number[]): Promise<PrefixUpdate> {
    const keep = commonPrefixLength(this.#ids, ids);
    // Checkpoints past the unchanged part describe text that is gone.
    while ((this.#checkpoints.at(-1) as LmCursor).ids.length > keep) this.#checkpoints.pop();
    const from = this.#checkpoints.at(-1) as LmCursor;
    this.#ids = ids;
    const reused = from.ids.length;
    if (reused === ids.length) return { cursor: from, fed: 0, reused };
    const cursor = await from.fork().feed(ids.slice(reused));
    this.#checkpoints.push(cursor);
    // Drop the oldest saved states (never the empty prefix) to bound memory on long texts.
    if (this.#checkpoints.length > this.#maxCheckpoints) this.#checkpoints.splice(1, 1);
    return { cursor, fed: ids.length - reused, reused };
  }
}
