import { SeqlmError } from '../errors/index.ts';

/** One n-gram and how often it occurs. */
export interface NgramFrequency<T> {
  gram: T[];
  count: number;
}

/** Every n-gram of one order with its count, most frequent first. */
export interface NgramFrequencyTable<T> {
  order: number;
  /** Number of n-gram positions in the sequence: `max(0, length - order + 1)`. */
  total: number;
  /** Number of different n-grams. */
  distinct: number;
  /** Sorted by count descending; ties by the grams compared token by token (strings by UTF-16 code units, ids numerically). */
  entries: NgramFrequency<T>[];
}

/** A token sequence as strings or as integer ids. */
export type TokenSequence = readonly string[] | Int32Array;

/**
 * Counts the n-grams of `order` (1 = unigrams, 2 = bigrams, ...) in a token
 * sequence, D2L's `collections.Counter` over `zip(*[tokens[i:] for i in range(n)])`.
 */
export function ngramFrequencies(tokens: readonly string[], order: number): NgramFrequencyTable<string>;
export function ngramFrequencies(tokens: Int32Array, order: number): NgramFrequencyTable<number>;
export function ngramFrequencies(tokens: TokenSequence, order: number): NgramFrequencyTable<string> | NgramFrequencyTable<number>;
export function ngramFrequencies(tokens: TokenSequence, order: number): NgramFrequencyTable<string> | NgramFrequencyTable<number> {
  return ngramFrequencyTables(tokens, [order])[0] as NgramFrequencyTable<string> | NgramFrequencyTable<number>;
}

/** `ngramFrequencies` for several orders, sharing the work of interning the tokens. */
export function ngramFrequencyTables(tokens: readonly string[], orders: readonly number[]): NgramFrequencyTable<string>[];
export function ngramFrequencyTables(tokens: Int32Array, orders: readonly number[]): NgramFrequencyTable<number>[];
export function ngramFrequencyTables(tokens: TokenSequence, orders: readonly number[]): NgramFrequencyTable<string>[] | NgramFrequencyTable<number>[];
export function ngramFrequencyTables(tokens: TokenSequence, orders: readonly number[]): NgramFrequencyTable<string>[] | NgramFrequencyTable<number>[] {
  checkTokens(tokens);
  for (const order of orders) checkOrder(order);
  const interned: Interned<string | number> = tokens instanceof Int32Array ? intern<number>(tokens, (a, b) => a - b) : intern<string>(tokens, compareCodeUnits);
  return orders.map((order) => countOrder(interned, order)) as NgramFrequencyTable<string>[] | NgramFrequencyTable<number>[];
}

function checkTokens(tokens: unknown): void {
  if (tokens instanceof Int32Array) return;
  if (!Array.isArray(tokens)) {
    throw new SeqlmError('INVALID_ARGUMENT', 'tokens must be an array of strings or an Int32Array of ids');
  }
  for (let i = 0; i < tokens.length; i++) {
    if (typeof tokens[i] !== 'string') {
      throw new SeqlmError('INVALID_ARGUMENT', `token ${i} is not a string`, { index: i });
    }
  }
}

function checkOrder(order: number): void {
  if (!Number.isInteger(order) || order < 1) {
    throw new SeqlmError('INVALID_ARGUMENT', `n-gram order must be an integer >= 1, got ${order}`, { order });
  }
}

/**
 * The sequence rewritten as dense ids 0..D-1 assigned in sorted token order,
 * so comparing dense ids compares the tokens and ties sort without touching strings.
 */
interface Interned<T> {
  dense: Int32Array;
  /** `values[d]` is the token with dense id `d`. */
  values: T[];
}

/** Numbers each distinct token by first appearance, then relabels them in `compare` order so ties break deterministically. */
function intern<T extends string | number>(tokens: ArrayLike<T>, compare: (a: T, b: T) => number): Interned<T> {
  const first = new Map<T, number>();
  const raw = new Int32Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as T;
    let id = first.get(t);
    if (id === undefined) {
      id = first.size;
      first.set(t, id);
    }
    raw[i] = id;
  }
  const unsorted = [...first.keys()];
  const order = unsorted.map((_, i) => i).sort((a, b) => compare(unsorted[a] as T, unsorted[b] as T));
  return relabel(raw, unsorted, order);
}

function relabel<T>(raw: Int32Array, unsorted: T[], order: number[]): Interned<T> {
  const rankOf = new Int32Array(order.length);
  order.forEach((firstId, rank) => {
    rankOf[firstId] = rank;
  });
  const dense = new Int32Array(raw.length);
  for (let i = 0; i < raw.length; i++) dense[i] = rankOf[raw[i] as number] as number;
  return { dense, values: order.map((firstId) => unsorted[firstId] as T) };
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function countOrder<T>(interned: Interned<T>, order: number): NgramFrequencyTable<T> {
  const { dense, values } = interned;
  const total = Math.max(0, dense.length - order + 1);
  const base = Math.max(1, values.length);
  // A gram packs into one exact double while base^order stays below 2^53; beyond that use a string key.
  const numericKeys = order * Math.log2(base) < 53;
  const slotOf = new Map<number | string, number>();
  const firstPos: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < total; i++) {
    let key: number | string;
    if (numericKeys) {
      let k = 0;
      for (let j = 0; j < order; j++) k = k * base + (dense[i + j] as number);
      key = k;
    } else {
      key = dense.subarray(i, i + order).join(',');
    }
    const slot = slotOf.get(key);
    if (slot === undefined) {
      slotOf.set(key, firstPos.length);
      firstPos.push(i);
      counts.push(1);
    } else {
      counts[slot] = (counts[slot] as number) + 1;
    }
  }
  const slots = counts.map((_, i) => i);
  slots.sort((a, b) => {
    const byCount = (counts[b] as number) - (counts[a] as number);
    if (byCount !== 0) return byCount;
    const pa = firstPos[a] as number;
    const pb = firstPos[b] as number;
    for (let j = 0; j < order; j++) {
      const d = (dense[pa + j] as number) - (dense[pb + j] as number);
      if (d !== 0) return d;
    }
    return 0;
  });
  const entries = slots.map((slot) => {
    const p = firstPos[slot] as number;
    const gram = new Array<T>(order);
    for (let j = 0; j < order; j++) gram[j] = values[dense[p + j] as number] as T;
    return { gram, count: counts[slot] as number };
  });
  return { order, total, distinct: entries.length, entries };
}
