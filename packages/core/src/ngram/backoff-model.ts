import { SeqlmError } from '../errors/index.ts';
import type { Vocab } from '../vocab/index.ts';
import type { CorpusSize, NgramEstimatorSpec, NgramModel } from './model.ts';
import { idOrNone, BOS, EOS } from './model.ts';
import { NgramTrie, ROOT } from './trie.ts';

export interface BackoffModelInit {
  vocab: Vocab;
  order: number;
  estimator: NgramEstimatorSpec;
  boundaries: boolean;
  trie: NgramTrie;
  /** log10 P(h, w) per trie id; NaN where the id is only a context, not an n-gram of the model. */
  logp10: Float64Array;
  /** log10 backoff weight of the id as a context; 0 (weight 1) when absent. */
  bow10: Float64Array;
  trainedOn?: CorpusSize;
}

/**
 * An n-gram model in backoff form, the form ARPA files store:
 * p(w | h) = P(h, w) when (h, w) is listed, else bow(h) · p(w | h'), where h'
 * drops the oldest token of h. Interpolated Kneser-Ney, MLE and any ARPA file
 * are all queried through this one path, so what is trained, written and read
 * back gives the same numbers.
 */
export class BackoffModel implements NgramModel {
  readonly order: number;
  readonly vocab: Vocab;
  readonly estimator: NgramEstimatorSpec;
  readonly boundaries: boolean;
  readonly bos: number;
  readonly eos: number;
  readonly trainedOn: CorpusSize | undefined;
  readonly trie: NgramTrie;
  readonly logp10: Float64Array;
  readonly bow10: Float64Array;
  readonly #ctx: Int32Array;
  /** Listed n-grams per order, counted on first use (the model does not change after construction). */
  #counts: number[] | undefined;

  constructor(init: BackoffModelInit) {
    const { trie, logp10, bow10 } = init;
    if (logp10.length !== trie.size || bow10.length !== trie.size) {
      throw new SeqlmError('MODEL_INVALID', `backoff model columns have ${logp10.length}/${bow10.length} entries for ${trie.size} n-grams`);
    }
    if (trie.vocabSize !== init.vocab.size || trie.order !== init.order) {
      throw new SeqlmError('MODEL_INVALID', 'backoff model trie does not match its vocabulary size or order');
    }
    this.order = init.order;
    this.vocab = init.vocab;
    this.estimator = init.estimator;
    this.boundaries = init.boundaries;
    this.bos = init.boundaries ? idOrNone(init.vocab, BOS) : -1;
    this.eos = init.boundaries ? idOrNone(init.vocab, EOS) : -1;
    this.trainedOn = init.trainedOn;
    this.trie = trie;
    this.logp10 = logp10;
    this.bow10 = bow10;
    this.#ctx = new Int32Array(init.order);
  }

  logProb(word: number, context: ArrayLike<number>): number {
    return this.log10Prob(word, context) * Math.LN10;
  }

  logProbAt(seq: ArrayLike<number>, pos: number): number {
    return this.log10ProbAt(seq, pos) * Math.LN10;
  }

  /** log10 p(word | context), the unit ARPA files use. */
  log10Prob(word: number, context: ArrayLike<number>): number {
    checkId(word, this.vocab.size);
    const m = this.#matchContext(context, context.length);
    return this.#lookup(word, m);
  }

  log10ProbAt(seq: ArrayLike<number>, pos: number): number {
    checkPosition(seq, pos);
    const word = seq[pos] as number;
    checkId(word, this.vocab.size);
    const m = this.#matchContext(seq, pos);
    return this.#lookup(word, m);
  }

  /**
   * The length of the n-gram whose listed probability `logProbAt(seq, pos)`
   * used (KenLM's `ngram_length`): N when the full n-gram is listed, 1 for a
   * unigram after backing off, 0 when nothing is listed (probability 0).
   */
  matchedOrderAt(seq: ArrayLike<number>, pos: number): number {
    checkPosition(seq, pos);
    const word = seq[pos] as number;
    checkId(word, this.vocab.size);
    for (let j = this.#matchContext(seq, pos); j >= 0; j--) {
      const e = this.trie.child(this.#ctx[j] as number, word);
      if (e >= 0 && !Number.isNaN(this.logp10[e] as number)) return j + 1;
    }
    return 0;
  }

  distribution(context: ArrayLike<number>): Float64Array {
    const m = this.#matchContext(context, context.length);
    const { start, ids } = this.trie.children();
    const last = this.trie.columns().last;
    const V = this.vocab.size;
    const out = new Float64Array(V).fill(Number.NaN);
    let acc = 0;
    for (let j = m; j >= 0; j--) {
      const c = this.#ctx[j] as number;
      for (let k = start[c] as number, end = start[c + 1] as number; k < end; k++) {
        const e = ids[k] as number;
        const w = last[e] as number;
        const lp = this.logp10[e] as number;
        if (!Number.isNaN(lp) && Number.isNaN(out[w] as number)) out[w] = acc + lp;
      }
      acc += this.bow10[c] as number;
    }
    for (let w = 0; w < V; w++) {
      const lp = out[w] as number;
      out[w] = Number.isNaN(lp) ? 0 : 10 ** lp;
    }
    return out;
  }

  /** Whether the n-gram `words` (oldest first) is listed with a probability of its own. */
  isListed(words: ArrayLike<number>): boolean {
    const id = this.trie.find(words, 0, words.length);
    return id > 0 && !Number.isNaN(this.logp10[id] as number);
  }

  /** Number of n-grams of order `n` listed in the model (ARPA `ngram n=`). */
  ngramCount(n: number): number {
    if (this.#counts === undefined) {
      const { length } = this.trie.columns();
      const counts = new Array<number>(this.order + 1).fill(0);
      for (let id = 1; id < length.length; id++) {
        const L = length[id] as number;
        if (!Number.isNaN(this.logp10[id] as number)) counts[L] = (counts[L] as number) + 1;
      }
      this.#counts = counts;
    }
    return this.#counts[n] ?? 0;
  }

  /** Calls `fn` for every listed n-gram of order `n`, in id order, with its token ids (oldest first). */
  forEachNgram(n: number, fn: (words: Int32Array, log10p: number, log10bow: number) => void): void {
    const { length, prefix, last } = this.trie.columns();
    const words = new Int32Array(n);
    for (let id = 1; id < length.length; id++) {
      if (length[id] !== n || Number.isNaN(this.logp10[id] as number)) continue;
      for (let k = n - 1, e = id; k >= 0; k--, e = prefix[e] as number) words[k] = last[e] as number;
      fn(words, this.logp10[id] as number, this.bow10[id] as number);
    }
  }

  /** Fills #ctx[0..m] with the ids of the longest known contexts, shortest first; returns m. */
  #matchContext(seq: ArrayLike<number>, pos: number): number {
    const ctx = this.#ctx;
    const V = this.vocab.size;
    ctx[0] = ROOT;
    let m = 0;
    let id = ROOT;
    const maxLen = Math.min(this.order - 1, pos);
    for (let j = 1; j <= maxLen; j++) {
      const h = seq[pos - j] as number;
      checkId(h, V);
      id = this.trie.extendLeft(id, h);
      if (id < 0) break;
      ctx[j] = id;
      m = j;
    }
    return m;
  }

  #lookup(word: number, m: number): number {
    const logp = this.logp10;
    let acc = 0;
    for (let j = m; j >= 0; j--) {
      const c = this.#ctx[j] as number;
      const e = this.trie.child(c, word);
      if (e >= 0) {
        const lp = logp[e] as number;
        if (!Number.isNaN(lp)) return acc + lp;
      }
      acc += this.bow10[c] as number;
    }
    return Number.NEGATIVE_INFINITY;
  }
}

/** Throws unless `pos` indexes `seq`. */
export function checkPosition(seq: ArrayLike<number>, pos: number): void {
  if (!(Number.isInteger(pos) && pos >= 0 && pos < seq.length)) {
    throw new SeqlmError('INVALID_ARGUMENT', `position ${pos} is outside a sequence of length ${seq.length}`);
  }
}

/** Throws unless `id` is a token id of a vocabulary of size `V`. */
export function checkId(id: number, V: number): void {
  if (!(Number.isInteger(id) && id >= 0 && id < V)) {
    throw new SeqlmError('VOCAB_OOV', `token id ${id} is outside the vocabulary of size ${V}`, { id });
  }
}
