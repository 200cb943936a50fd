import { SeqlmError } from '../errors/index.ts';
import type { Vocab } from '../vocab/index.ts';
import { checkId, checkPosition, type BackoffModel } from './backoff-model.ts';
import { BOS, EOS, idOrNone, type CorpusSize, type NgramEstimatorSpec, type NgramModel } from './model.ts';

/**
 * A backoff model laid out as flat sorted arrays that can be views over a
 * file's bytes (KenLM's trie, simplified): nothing is decoded or indexed on
 * load. Ids are numbered level by level (the root 0, then all unigrams, then
 * all bigrams, ...), and within a level by (prefix id, last token), so the
 * children of an id are one contiguous run sorted by token, found by binary
 * search.
 */
export interface CompactNgramArrays {
  /** [N + 2]: the ids of length L are levelStart[L] .. levelStart[L + 1] − 1; levelStart[0] = 0 (the root), levelStart[1] = 1. */
  levelStart: Int32Array;
  /** [n]: the last token of each id (unused for the root). */
  word: Uint16Array | Int32Array;
  /** [n]: the id without its first token (the root for unigrams; −1 for the root). */
  suffix: Int32Array;
  /** [levelStart[N] + 1]: the children of context p are the ids childStart[p] .. childStart[p + 1] − 1. */
  childStart: Int32Array;
  /** [n]: log10 P(h, w); NaN where the id is only a context. */
  logp10: Float64Array | Float32Array;
  /** [levelStart[N]]: log10 backoff weight of each context; 0 (weight 1) when absent. */
  bow10: Float64Array | Float32Array;
}

export interface CompactBackoffInit {
  vocab: Vocab;
  order: number;
  estimator: NgramEstimatorSpec;
  boundaries: boolean;
  trainedOn?: CorpusSize | undefined;
  arrays: CompactNgramArrays;
}

const ROOT = 0;

/**
 * The backoff query p(w | h) = P(h, w) if listed, else bow(h) · p(w | h′)
 * (as `BackoffModel`), over `CompactNgramArrays`. The longest known context
 * is tracked as a state, the longest stored sequence ending at the previous
 * token (KenLM's state): extending it by one token costs one or two binary
 * searches, so scoring a text runs in O(1) searches per token.
 */
export class CompactBackoffModel implements NgramModel {
  readonly order: number;
  readonly vocab: Vocab;
  readonly estimator: NgramEstimatorSpec;
  readonly boundaries: boolean;
  readonly bos: number;
  readonly eos: number;
  readonly trainedOn: CorpusSize | undefined;
  readonly arrays: CompactNgramArrays;
  readonly #level: Int32Array;
  readonly #word: Uint16Array | Int32Array;
  readonly #suffix: Int32Array;
  readonly #childStart: Int32Array;
  readonly #logp: Float64Array | Float32Array;
  readonly #bow: Float64Array | Float32Array;
  /** Ids below this are contexts (length < N). */
  readonly #contexts: number;
  #counts: number[] | undefined;

  constructor(init: CompactBackoffInit) {
    const a = init.arrays;
    const N = init.order;
    if (!Number.isInteger(N) || N < 1 || N > 255 || a.levelStart.length !== N + 2) {
      throw new SeqlmError('MODEL_INVALID', `compact n-gram arrays have ${a.levelStart.length} level bounds for order ${N}`);
    }
    this.order = N;
    this.vocab = init.vocab;
    this.estimator = init.estimator;
    this.boundaries = init.boundaries;
    this.bos = init.boundaries ? idOrNone(init.vocab, BOS) : -1;
    this.eos = init.boundaries ? idOrNone(init.vocab, EOS) : -1;
    this.trainedOn = init.trainedOn;
    this.arrays = a;
    this.#level = a.levelStart;
    this.#word = a.word;
    this.#suffix = a.suffix;
    this.#childStart = a.childStart;
    this.#logp = a.logp10;
    this.#bow = a.bow10;
    this.#contexts = a.levelStart[N] as number;
  }

  /** Number of ids, the root included. */
  get size(): number {
    return this.#level[this.order + 1] as number;
  }

  /** Id of the sequence `prefix + word`, or −1. */
  child(prefix: number, word: number): number {
    if (prefix >= this.#contexts) return -1;
    const w = this.#word;
    let lo = this.#childStart[prefix] as number;
    let hi = (this.#childStart[prefix + 1] as number) - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const x = w[mid] as number;
      if (x === word) return mid;
      if (x < word) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** The length of the sequence with id `id`. */
  lengthOf(id: number): number {
    let L = 0;
    while (id >= (this.#level[L + 1] as number)) L++;
    return L;
  }

  logProb(word: number, context: ArrayLike<number>): number {
    return this.log10Prob(word, context) * Math.LN10;
  }

  logProbAt(seq: ArrayLike<number>, pos: number): number {
    return this.log10ProbAt(seq, pos) * Math.LN10;
  }

  log10Prob(word: number, context: ArrayLike<number>): number {
    checkId(word, this.vocab.size);
    return this.#lookup(this.#context(context, context.length), word);
  }

  log10ProbAt(seq: ArrayLike<number>, pos: number): number {
    checkPosition(seq, pos);
    const word = seq[pos] as number;
    checkId(word, this.vocab.size);
    return this.#lookup(this.#context(seq, pos), word);
  }

  /** The length of the listed n-gram the query used (KenLM's `ngram_length`); 0 when none is listed. */
  matchedOrderAt(seq: ArrayLike<number>, pos: number): number {
    checkPosition(seq, pos);
    const word = seq[pos] as number;
    checkId(word, this.vocab.size);
    for (let c = this.#context(seq, pos); ; c = this.#suffix[c] as number) {
      const e = this.child(c, word);
      if (e >= 0 && !Number.isNaN(this.#logp[e] as number)) return this.lengthOf(e);
      if (c === ROOT) return 0;
    }
  }

  /**
   * ln p(seq[i] | seq[..i]) for every i in [from, seq.length), written to
   * `out[i − from]`: the state walks along the sequence instead of being found
   * again for each position.
   */
  scoreRun(seq: ArrayLike<number>, from: number, out: Float64Array): void {
    const V = this.vocab.size;
    const word = this.#word;
    const childStart = this.#childStart;
    const suffix = this.#suffix;
    const logp = this.#logp;
    const bow = this.#bow;
    const contexts = this.#contexts;
    let c = this.#context(seq, from);
    for (let i = from; i < seq.length; i++) {
      const w = seq[i] as number;
      checkId(w, V);
      // One walk down the context's suffix chain gives both the probability (the first listed
      // n-gram) and the next state (the first stored one, which is never further down).
      let acc = 0;
      let lp = Number.NEGATIVE_INFINITY;
      let next = -1;
      for (let h = c; ; ) {
        let e = -1;
        if (h < contexts) {
          let lo = childStart[h] as number;
          let hi = (childStart[h + 1] as number) - 1;
          while (lo <= hi) {
            const mid = (lo + hi) >>> 1;
            const x = word[mid] as number;
            if (x === w) {
              e = mid;
              break;
            }
            if (x < w) lo = mid + 1;
            else hi = mid - 1;
          }
        }
        if (e >= 0) {
          if (next < 0) next = e < contexts ? e : (suffix[e] as number);
          const x = logp[e] as number;
          if (x === x) {
            lp = acc + x;
            break;
          }
        }
        if (h === ROOT) break;
        acc += bow[h] as number;
        h = suffix[h] as number;
      }
      out[i - from] = lp * Math.LN10;
      c = next < 0 ? ROOT : next;
    }
  }

  distribution(context: ArrayLike<number>): Float64Array {
    const V = this.vocab.size;
    const out = new Float64Array(V).fill(Number.NaN);
    let acc = 0;
    for (let c = this.#context(context, context.length); ; c = this.#suffix[c] as number) {
      for (let e = this.#childStart[c] as number, end = this.#childStart[c + 1] as number; e < end; e++) {
        const lp = this.#logp[e] as number;
        const w = this.#word[e] as number;
        if (!Number.isNaN(lp) && Number.isNaN(out[w] as number)) out[w] = acc + lp;
      }
      if (c === ROOT) break;
      acc += this.#bow[c] as number;
    }
    for (let w = 0; w < V; w++) {
      const lp = out[w] as number;
      out[w] = Number.isNaN(lp) ? 0 : 10 ** lp;
    }
    return out;
  }

  /** Number of n-grams of order `n` listed (ARPA `ngram n=`). */
  ngramCount(n: number): number {
    if (this.#counts === undefined) {
      const counts: number[] = [];
      for (let L = 1; L <= this.order; L++) {
        let k = 0;
        for (let id = this.#level[L] as number, end = this.#level[L + 1] as number; id < end; id++) if (!Number.isNaN(this.#logp[id] as number)) k++;
        counts.push(k);
      }
      this.#counts = counts;
    }
    return this.#counts[n - 1] ?? 0;
  }

  /** Whether the n-gram `words` (oldest first) is listed with a probability of its own. */
  isListed(words: ArrayLike<number>): boolean {
    let id = ROOT;
    for (let i = 0; i < words.length && id >= 0; i++) id = this.child(id, words[i] as number);
    return id > 0 && !Number.isNaN(this.#logp[id] as number);
  }

  /** Calls `fn` for every listed n-gram of order `n`, in id order, with its token ids (oldest first). */
  forEachNgram(n: number, fn: (words: Int32Array, log10p: number, log10bow: number) => void): void {
    if (n < 1 || n > this.order) return;
    // the prefix of each id, recovered level by level from the child runs
    const prefix = this.#prefixes(n);
    const words = new Int32Array(n);
    for (let id = this.#level[n] as number, end = this.#level[n + 1] as number; id < end; id++) {
      const lp = this.#logp[id] as number;
      if (Number.isNaN(lp)) continue;
      for (let k = n - 1, e = id; k >= 0; k--, e = prefix[e] as number) words[k] = this.#word[e] as number;
      fn(words, lp, id < this.#contexts ? (this.#bow[id] as number) : 0);
    }
  }

  #prefixes(n: number): Int32Array {
    const prefix = new Int32Array(this.#level[n + 1] as number);
    for (let p = 0; p < (this.#level[n] as number); p++) {
      for (let e = this.#childStart[p] as number, end = this.#childStart[p + 1] as number; e < end; e++) prefix[e] = p;
    }
    return prefix;
  }

  /** The longest context for predicting seq[pos]: the state after reading the N − 1 tokens before it. */
  #context(seq: ArrayLike<number>, pos: number): number {
    const V = this.vocab.size;
    let c = ROOT;
    for (let t = Math.max(0, pos - this.order + 1); t < pos; t++) {
      const w = seq[t] as number;
      checkId(w, V);
      c = this.#advance(c, w);
    }
    return c;
  }

  /** The state after `w`: the longest stored sequence ending in w that can be a context (length < N). */
  #advance(c: number, w: number): number {
    for (;;) {
      const e = this.child(c, w);
      if (e >= 0) return e < this.#contexts ? e : (this.#suffix[e] as number);
      if (c === ROOT) return ROOT;
      c = this.#suffix[c] as number;
    }
  }

  #lookup(c: number, w: number): number {
    let acc = 0;
    for (;;) {
      const e = this.child(c, w);
      if (e >= 0) {
        const lp = this.#logp[e] as number;
        if (!Number.isNaN(lp)) return acc + lp;
      }
      if (c === ROOT) return Number.NEGATIVE_INFINITY;
      acc += this.#bow[c] as number;
      c = this.#suffix[c] as number;
    }
  }
}

/**
 * Lays a trained or ARPA-read `BackoffModel` out as `CompactNgramArrays`:
 * each level's ids sorted by (new prefix id, last token) with two stable
 * counting sorts, O(n + V) per level.
 */
export function compactBackoff(model: BackoffModel, precision: 'float64' | 'float32' = 'float64'): CompactBackoffModel {
  const { prefix, suffix, last, length } = model.trie.columns();
  const size = length.length;
  const N = model.order;
  const V = model.vocab.size;
  const byLevel: number[][] = Array.from({ length: N + 1 }, () => []);
  for (let id = 1; id < size; id++) (byLevel[length[id] as number] as number[]).push(id);
  const levelStart = new Int32Array(N + 2);
  levelStart[1] = 1;
  for (let L = 1; L <= N; L++) levelStart[L + 1] = (levelStart[L] as number) + (byLevel[L] as number[]).length;
  const newId = new Int32Array(size);
  const F = precision === 'float64' ? Float64Array : Float32Array;
  const word = V <= 65536 ? new Uint16Array(size) : new Int32Array(size);
  const suffixOut = new Int32Array(size);
  const contexts = levelStart[N] as number;
  const childStart = new Int32Array(contexts + 1);
  const logp10 = new F(size);
  const bow10 = new F(contexts);
  suffixOut[ROOT] = -1;
  logp10[ROOT] = Number.NaN;
  bow10[ROOT] = model.bow10[ROOT] as number;
  for (let L = 1; L <= N; L++) {
    const ids = byLevel[L] as number[];
    // stable counting sort by last token, then by the (already renumbered) prefix
    const byWord = countingSort(ids, (id) => last[id] as number, V);
    const base = levelStart[L - 1] as number;
    const sorted = countingSort(byWord, (id) => (newId[prefix[id] as number] as number) - base, (levelStart[L] as number) - base);
    const start = levelStart[L] as number;
    for (let k = 0; k < sorted.length; k++) {
      const old = sorted[k] as number;
      const id = start + k;
      newId[old] = id;
      word[id] = last[old] as number;
      suffixOut[id] = newId[suffix[old] as number] as number;
      logp10[id] = model.logp10[old] as number;
      if (id < contexts) bow10[id] = model.bow10[old] as number;
      const p = newId[prefix[old] as number] as number;
      childStart[p + 1] = (childStart[p + 1] as number) + 1;
    }
  }
  for (let p = 0; p < contexts; p++) childStart[p + 1] = (childStart[p + 1] as number) + (childStart[p] as number);
  // the root's children (the unigrams) start at id 1
  for (let p = 0; p <= contexts; p++) childStart[p] = (childStart[p] as number) + 1;
  return new CompactBackoffModel({
    vocab: model.vocab,
    order: N,
    estimator: model.estimator,
    boundaries: model.boundaries,
    trainedOn: model.trainedOn,
    arrays: { levelStart, word, suffix: suffixOut, childStart, logp10, bow10 },
  });
}

function countingSort(ids: readonly number[] | Int32Array, key: (id: number) => number, buckets: number): Int32Array {
  const start = new Int32Array(buckets + 1);
  for (let i = 0; i < ids.length; i++) {
    const k = key(ids[i] as number) + 1;
    start[k] = (start[k] as number) + 1;
  }
  for (let b = 0; b < buckets; b++) start[b + 1] = (start[b + 1] as number) + (start[b] as number);
  const out = new Int32Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] as number;
    const k = key(id);
    out[start[k] as number] = id;
    start[k] = (start[k] as number) + 1;
  }
  return out;
}

/**
 * Checks the invariants every query relies on, in one linear pass without
 * building anything: levels ascend, each id's suffix is one level down, child
 * runs are in bounds, ascending and sorted by token, tokens are in the
 * vocabulary. A file that breaks them could otherwise make a query loop.
 */
export function checkCompactArrays(a: CompactNgramArrays, order: number, V: number, invalid: (message: string) => never): void {
  const L = a.levelStart;
  if (L.length !== order + 2 || L[0] !== 0 || L[1] !== 1) invalid('level bounds must start 0, 1');
  for (let k = 1; k <= order; k++) if ((L[k + 1] as number) < (L[k] as number)) invalid(`level ${k} ends before it starts`);
  const n = L[order + 1] as number;
  const contexts = L[order] as number;
  if (a.word.length !== n || a.suffix.length !== n || a.logp10.length !== n) invalid('word, suffix and logp10 must hold one entry per id');
  if (a.childStart.length !== contexts + 1 || a.bow10.length !== contexts) invalid('childStart and bow10 must hold one entry per context');
  if (a.childStart[0] !== 1 || a.childStart[contexts] !== n) invalid('the child runs must cover ids 1 .. n − 1');
  for (let p = 0; p < contexts; p++) {
    const from = a.childStart[p] as number;
    const to = a.childStart[p + 1] as number;
    if (to < from) invalid(`the children of id ${p} run backwards`);
    for (let e = from + 1; e < to; e++) if ((a.word[e] as number) <= (a.word[e - 1] as number)) invalid(`the children of id ${p} are not sorted by token`);
  }
  for (let k = 1; k <= order; k++) {
    const lo = L[k - 1] as number;
    const hi = L[k] as number;
    for (let id = hi, end = L[k + 1] as number; id < end; id++) {
      const w = a.word[id] as number;
      if (!(w >= 0 && w < V)) invalid(`id ${id} ends in token ${w}, outside the vocabulary of ${V}`);
      const s = a.suffix[id] as number;
      // a unigram's suffix is the root; an n-gram's suffix is an (n−1)-gram
      if (k === 1 ? s !== ROOT : !(s >= lo && s < hi)) invalid(`the suffix of id ${id} is not one level down`);
      if (!((a.logp10[id] as number) <= 0 || Number.isNaN(a.logp10[id] as number))) invalid(`id ${id} has a log10 probability above 0`);
    }
  }
  // the children of level k − 1 are exactly level k
  for (let k = 1; k <= order; k++) {
    if (a.childStart[L[k - 1] as number] !== L[k] || (k < order && a.childStart[L[k] as number] !== L[k + 1])) invalid(`the children of level ${k - 1} are not level ${k}`);
  }
}
