import { SeqlmError } from '../errors/index.ts';
import type { Vocab } from '../vocab/index.ts';
import { checkId, checkPosition } from './backoff-model.ts';
import { contextTotals, type NgramCounts } from './count.ts';
import { BOS, EOS, idOrNone, type CorpusSize, type NgramEstimatorSpec, type NgramModel } from './model.ts';
import { ROOT, type NgramTrie } from './trie.ts';

/**
 * Add-k smoothing (Laplace when k = 1), D2L 9.3.3:
 * p(w | h) = (n(h, w) + k) / (n(h) + k·V'), where V' counts the tokens that
 * can be predicted (all but `<s>`). h is the last N−1 tokens, fewer at the
 * start of a text; a context never seen gives n(h) = 0, the uniform 1/V'.
 */
export class AddKModel implements NgramModel {
  readonly order: number;
  readonly vocab: Vocab;
  readonly estimator: NgramEstimatorSpec;
  readonly boundaries: boolean;
  readonly bos: number;
  readonly eos: number;
  readonly trainedOn: CorpusSize;
  readonly k: number;
  readonly trie: NgramTrie;
  /** Raw counts n(x_1..x_n) per trie id. */
  readonly counts: Float64Array;
  readonly #totals: Float64Array;
  readonly #predictable: number;

  constructor(counts: NgramCounts, vocab: Vocab, boundaries: boolean, k: number) {
    if (!(Number.isFinite(k) && k > 0)) throw new SeqlmError('INVALID_ARGUMENT', `add-k needs a finite k > 0, got ${k}`);
    if (counts.vocabSize !== vocab.size) throw new SeqlmError('MODEL_INVALID', 'counts and vocabulary differ in size');
    this.order = counts.order;
    this.vocab = vocab;
    this.estimator = { kind: 'add-k', k };
    this.boundaries = boundaries;
    this.bos = boundaries ? idOrNone(vocab, BOS) : -1;
    this.eos = boundaries ? idOrNone(vocab, EOS) : -1;
    this.k = k;
    this.trainedOn = { tokens: counts.tokens, sequences: counts.sequences };
    this.trie = counts.trie;
    this.counts = counts.counts;
    this.#totals = contextTotals(counts);
    this.#predictable = vocab.size - (this.bos >= 0 ? 1 : 0);
  }

  logProb(word: number, context: ArrayLike<number>): number {
    checkId(word, this.vocab.size);
    return this.#logProb(word, this.#context(context, context.length));
  }

  logProbAt(seq: ArrayLike<number>, pos: number): number {
    checkPosition(seq, pos);
    const word = seq[pos] as number;
    checkId(word, this.vocab.size);
    return this.#logProb(word, this.#context(seq, pos));
  }

  /**
   * The length of the longest n-gram ending at `pos` (N at most) seen in
   * training: the order whose count informed the estimate; 0 when the token
   * itself was never seen (its probability is then k's alone).
   */
  matchedOrderAt(seq: ArrayLike<number>, pos: number): number {
    checkPosition(seq, pos);
    const word = seq[pos] as number;
    checkId(word, this.vocab.size);
    let best = 0;
    let h = ROOT;
    for (let j = 0; j <= Math.min(this.order - 1, pos); j++) {
      if (j > 0) {
        const w = seq[pos - j] as number;
        checkId(w, this.vocab.size);
        h = this.trie.extendLeft(h, w);
        if (h < 0) break;
      }
      const e = this.trie.child(h, word);
      if (e >= 0 && (this.counts[e] as number) > 0) best = j + 1;
    }
    return best;
  }

  distribution(context: ArrayLike<number>): Float64Array {
    const h = this.#context(context, context.length);
    const V = this.vocab.size;
    const total = h >= 0 ? (this.#totals[h] as number) : 0;
    const out = new Float64Array(V).fill(this.#prob(0, total));
    if (h >= 0) {
      const { start, ids } = this.trie.children();
      const last = this.trie.columns().last;
      for (let j = start[h] as number, end = start[h + 1] as number; j < end; j++) {
        const e = ids[j] as number;
        out[last[e] as number] = this.#prob(this.counts[e] as number, total);
      }
    }
    if (this.bos >= 0) out[this.bos] = 0;
    return out;
  }

  #logProb(word: number, h: number): number {
    if (word === this.bos) return Number.NEGATIVE_INFINITY;
    if (h < 0) return -Math.log(this.#predictable);
    const e = this.trie.child(h, word);
    const c = e >= 0 ? (this.counts[e] as number) : 0;
    const n = this.#totals[h] as number;
    const k = this.k;
    const V = this.#predictable;
    // ln((c + k) / (n + kV)) as a difference of logs: a tiny k (1e-320) makes the quotient
    // underflow to 0 while both logs stay finite, and add-k must never give probability 0.
    return k >= 1 ? Math.log(c / k + 1) - Math.log(n / k + V) : Math.log(c + k) - Math.log(n + k * V);
  }

  /**
   * (c + k) / (n + k·V'). For k ≥ 1 numerator and denominator are divided by
   * k first, (c/k + 1) / (n/k + V'), so a huge k cannot overflow k·V' and the
   * estimate tends to the uniform 1/V' as it should.
   */
  #prob(c: number, n: number): number {
    const k = this.k;
    const V = this.#predictable;
    return k >= 1 ? (c / k + 1) / (n / k + V) : (c + k) / (n + k * V);
  }

  /** Id of the context seq[pos−L..pos) with L = min(N−1, pos), or -1 when it was never seen. */
  #context(seq: ArrayLike<number>, pos: number): number {
    const L = Math.min(this.order - 1, pos);
    let id = ROOT;
    for (let j = 1; j <= L; j++) {
      const w = seq[pos - j] as number;
      checkId(w, this.vocab.size);
      id = this.trie.extendLeft(id, w);
      if (id < 0) return -1;
    }
    return id;
  }
}
