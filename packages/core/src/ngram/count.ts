import { SeqlmError } from '../errors/index.ts';
import { NgramTrie, ROOT, ensureFloat64 } from './trie.ts';

export interface CountOptions {
  /** The order N: sequences of length 1..N are counted. */
  order: number;
  vocabSize: number;
  /** Id of `<s>`, prepended to every sequence; -1 (default) for none. */
  bos?: number;
  /** Id of `</s>`, appended to every sequence; -1 (default) for none. */
  eos?: number;
}

/** Raw n-gram counts of orders 1..N over token ids, keyed by trie id. */
export interface NgramCounts {
  readonly order: number;
  readonly vocabSize: number;
  readonly bos: number;
  readonly eos: number;
  readonly trie: NgramTrie;
  /** `counts[id]`: n(x_1..x_n), the number of occurrences of the sequence with that id. */
  readonly counts: Float64Array;
  /** 1 where the sequence occurred at the very start of an input sequence (it has no left neighbour there). */
  readonly atStart: Uint8Array;
  /** Tokens counted as predictions: every input token plus one `</s>` per sequence when boundaries are on. */
  readonly tokens: number;
  /** Number of input sequences (sentences, or one per text). */
  readonly sequences: number;
}

/**
 * Counts every n-gram of order 1..N in each sequence (D2L 9.3: n(x), n(x, x'),
 * ...). With `bos`/`eos` each sequence is read as `<s> x_1 .. x_T </s>`;
 * n-grams never cross from one sequence into the next. Empty sequences are
 * skipped entirely, boundaries included.
 */
export function countNgrams(sequences: Iterable<ArrayLike<number>>, options: CountOptions): NgramCounts {
  const { order, vocabSize } = options;
  const bos = options.bos ?? -1;
  const eos = options.eos ?? -1;
  for (const [name, id] of [['bos', bos], ['eos', eos]] as const) {
    if (id !== -1 && !(Number.isInteger(id) && id >= 0 && id < vocabSize)) {
      throw new SeqlmError('INVALID_ARGUMENT', `${name} must be -1 or a token id below ${vocabSize}, got ${id}`);
    }
  }
  const trie = new NgramTrie(vocabSize, order);
  let counts = new Float64Array(1024);
  let atStart = new Uint8Array(1024);
  // ids of the sequences of length j+1 ending at the previous / current position
  let prev = new Int32Array(order);
  let cur = new Int32Array(order);
  let tokens = 0;
  let nSequences = 0;
  const extra = (bos >= 0 ? 1 : 0) + (eos >= 0 ? 1 : 0);

  for (const input of sequences) {
    if (input.length === 0) continue;
    const seq = extra === 0 ? input : withBoundaries(input, bos, eos);
    nSequences++;
    tokens += input.length + (eos >= 0 ? 1 : 0);
    for (let i = 0; i < seq.length; i++) {
      const w = seq[i] as number;
      if (!(Number.isInteger(w) && w >= 0 && w < vocabSize)) {
        throw new SeqlmError('NGRAM_INVALID', `token id ${w} at position ${i} is outside the vocabulary of size ${vocabSize}`, { position: i, id: w });
      }
      const maxLen = Math.min(order, i + 1);
      for (let j = 1; j <= maxLen; j++) {
        // x[i-j+1..i]: its prefix ends at i-1 (from `prev`), its suffix ends at i (just computed)
        const prefix = j === 1 ? ROOT : (prev[j - 2] as number);
        let id = trie.child(prefix, w);
        if (id < 0) {
          const suffix = j === 1 ? ROOT : (cur[j - 2] as number);
          id = trie.add(prefix, suffix, seq[i - j + 1] as number, w);
          if (id >= counts.length) {
            counts = ensureFloat64(counts, id);
            const grown = new Uint8Array(counts.length);
            grown.set(atStart);
            atStart = grown;
          }
        }
        counts[id] = (counts[id] as number) + 1;
        if (j === i + 1) atStart[id] = 1;
        cur[j - 1] = id;
      }
      const swap = prev;
      prev = cur;
      cur = swap;
    }
  }
  return {
    order,
    vocabSize,
    bos,
    eos,
    trie,
    counts: counts.subarray(0, trie.size),
    atStart: atStart.subarray(0, trie.size),
    tokens,
    sequences: nSequences,
  };
}

function withBoundaries(input: ArrayLike<number>, bos: number, eos: number): Int32Array {
  const offset = bos >= 0 ? 1 : 0;
  const seq = new Int32Array(input.length + offset + (eos >= 0 ? 1 : 0));
  if (bos >= 0) seq[0] = bos;
  for (let i = 0; i < input.length; i++) seq[i + offset] = input[i] as number;
  if (eos >= 0) seq[seq.length - 1] = eos;
  return seq;
}

/**
 * n(h) as a context: the sum of n(h, w) over the words that follow h, indexed
 * by the id of h. It differs from h's own count where h ends a sequence.
 * Counts of `<s>` as a predicted token are left out: it is never predicted.
 */
export function contextTotals(c: NgramCounts): Float64Array {
  const { prefix, last } = c.trie.columns();
  const totals = new Float64Array(c.trie.size);
  for (let id = 1; id < totals.length; id++) {
    if ((last[id] as number) === c.bos) continue;
    const p = prefix[id] as number;
    totals[p] = (totals[p] as number) + (c.counts[id] as number);
  }
  return totals;
}
