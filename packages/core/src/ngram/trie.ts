import { SeqlmError } from '../errors/index.ts';
import { IntKeyIndex } from './int-key-index.ts';

/** Id of the empty sequence: the context of unigrams. */
export const ROOT = 0;

/**
 * Every distinct token sequence of length 0..N gets one integer id, reachable
 * two ways: by extending its prefix on the right (`child(prefix, last)`, how
 * an n-gram is found from its context) and, for sequences shorter than N, by
 * extending its suffix on the left (`extendLeft(suffix, first)`, how the
 * longest known context is found by walking back from the most recent token).
 *
 * Keys are packed as `id * V + word`, numbers rather than strings, so a query
 * is a handful of hash probes; per-id columns live in typed arrays.
 */
export class NgramTrie {
  readonly vocabSize: number;
  /** The longest sequence length stored (the model order N). */
  readonly order: number;
  readonly #right: IntKeyIndex;
  readonly #left: IntKeyIndex;
  #prefix: Int32Array;
  #suffix: Int32Array;
  #first: Int32Array;
  #last: Int32Array;
  #length: Uint8Array;
  #size = 1;
  #children: { size: number; start: Int32Array; ids: Int32Array } | undefined;

  constructor(vocabSize: number, order: number, expected = 1024) {
    if (!Number.isInteger(vocabSize) || vocabSize < 1) {
      throw new SeqlmError('INVALID_ARGUMENT', `vocabulary size must be a positive integer, got ${vocabSize}`);
    }
    if (!Number.isInteger(order) || order < 1 || order > 255) {
      throw new SeqlmError('INVALID_ARGUMENT', `n-gram order must be an integer in 1..255, got ${order}`);
    }
    this.vocabSize = vocabSize;
    this.order = order;
    this.#right = new IntKeyIndex(expected);
    this.#left = new IntKeyIndex(expected);
    const capacity = Math.max(16, expected);
    this.#prefix = new Int32Array(capacity);
    this.#suffix = new Int32Array(capacity);
    this.#first = new Int32Array(capacity);
    this.#last = new Int32Array(capacity);
    this.#length = new Uint8Array(capacity);
    this.#prefix[ROOT] = -1;
    this.#suffix[ROOT] = -1;
    this.#first[ROOT] = -1;
    this.#last[ROOT] = -1;
  }

  /** Number of ids, the root included. */
  get size(): number {
    return this.#size;
  }

  /** Id of the sequence `prefix + word`, or -1. */
  child(prefix: number, word: number): number {
    return this.#right.get(prefix * this.vocabSize + word);
  }

  /** Id of the sequence `word + suffix` (only sequences shorter than N), or -1. */
  extendLeft(suffix: number, word: number): number {
    return this.#left.get(suffix * this.vocabSize + word);
  }

  prefixOf(id: number): number {
    return this.#prefix[id] as number;
  }

  suffixOf(id: number): number {
    return this.#suffix[id] as number;
  }

  firstOf(id: number): number {
    return this.#first[id] as number;
  }

  lastOf(id: number): number {
    return this.#last[id] as number;
  }

  lengthOf(id: number): number {
    return this.#length[id] as number;
  }

  /** Read-only views of the per-id columns, for tight loops over all ids. */
  columns(): { prefix: Int32Array; suffix: Int32Array; first: Int32Array; last: Int32Array; length: Uint8Array } {
    const n = this.#size;
    return {
      prefix: this.#prefix.subarray(0, n),
      suffix: this.#suffix.subarray(0, n),
      first: this.#first.subarray(0, n),
      last: this.#last.subarray(0, n),
      length: this.#length.subarray(0, n),
    };
  }

  /**
   * Adds a new sequence known to be absent, given the ids of its prefix and
   * suffix (each one token shorter). Returns its id.
   */
  add(prefix: number, suffix: number, first: number, last: number): number {
    const id = this.#size;
    const length = (this.#length[prefix] as number) + 1;
    if (length > this.order) throw new SeqlmError('NGRAM_INVALID', `sequence longer than the model order ${this.order}`);
    if (id * this.vocabSize + this.vocabSize > Number.MAX_SAFE_INTEGER) {
      throw new SeqlmError('UNSUPPORTED', `too many n-grams (${id}) for a vocabulary of ${this.vocabSize} tokens`);
    }
    if (id === this.#prefix.length) this.#grow();
    this.#prefix[id] = prefix;
    this.#suffix[id] = suffix;
    this.#first[id] = first;
    this.#last[id] = last;
    this.#length[id] = length;
    this.#size = id + 1;
    this.#right.set(prefix * this.vocabSize + last, id);
    if (length < this.order) this.#left.set(suffix * this.vocabSize + first, id);
    return id;
  }

  /** Id of `words[from..to)`, creating it and any missing prefix or suffix (ARPA files may omit them). */
  ensure(words: ArrayLike<number>, from: number, to: number): number {
    if (to <= from) return ROOT;
    const last = words[to - 1] as number;
    const prefix = this.ensure(words, from, to - 1);
    const found = this.child(prefix, last);
    if (found >= 0) return found;
    const suffix = this.ensure(words, from + 1, to);
    return this.add(prefix, suffix, words[from] as number, last);
  }

  /** Id of `words[from..to)`, or -1 when absent. */
  find(words: ArrayLike<number>, from: number, to: number): number {
    let id = ROOT;
    for (let i = from; i < to && id >= 0; i++) id = this.child(id, words[i] as number);
    return id;
  }

  /**
   * The ids extending each id by one token on the right, grouped by prefix:
   * `ids[start[p] .. start[p + 1])`. Built on first use, so a full next-token
   * distribution costs O(V + listed successors) instead of V probes per order.
   */
  children(): { start: Int32Array; ids: Int32Array } {
    if (this.#children?.size === this.#size) return this.#children;
    const n = this.#size;
    const prefix = this.#prefix;
    const start = new Int32Array(n + 1);
    for (let id = 1; id < n; id++) {
      const p = (prefix[id] as number) + 1;
      start[p] = (start[p] as number) + 1;
    }
    for (let i = 0; i < n; i++) start[i + 1] = (start[i + 1] as number) + (start[i] as number);
    const fill = start.slice(0, n);
    const ids = new Int32Array(Math.max(0, n - 1));
    for (let id = 1; id < n; id++) {
      const p = prefix[id] as number;
      ids[fill[p] as number] = id;
      fill[p] = (fill[p] as number) + 1;
    }
    this.#children = { size: n, start, ids };
    return this.#children;
  }

  #grow(): void {
    const capacity = this.#prefix.length * 2;
    this.#prefix = growInt32(this.#prefix, capacity);
    this.#suffix = growInt32(this.#suffix, capacity);
    this.#first = growInt32(this.#first, capacity);
    this.#last = growInt32(this.#last, capacity);
    const length = new Uint8Array(capacity);
    length.set(this.#length);
    this.#length = length;
  }
}

function growInt32(a: Int32Array, capacity: number): Int32Array {
  const b = new Int32Array(capacity);
  b.set(a);
  return b;
}

/** Copies `a` into a longer array when `index` would not fit. */
export function ensureFloat64(a: Float64Array<ArrayBuffer>, index: number): Float64Array<ArrayBuffer> {
  if (index < a.length) return a;
  let capacity = Math.max(16, a.length);
  while (capacity <= index) capacity *= 2;
  const b = new Float64Array(capacity);
  b.set(a);
  return b;
}
