import { SeqlmError } from '../errors/index.ts';
import type { Vocab } from '../vocab/index.ts';
import { BackoffModel } from './backoff-model.ts';
import { type NgramCounts } from './count.ts';
import { NgramTrie, ROOT } from './trie.ts';
import { withAllUnigrams } from './unigrams.ts';

/** D1, D2, D3+ of one order. */
export type Discounts = [number, number, number];

/** KenLM's fallback when counts-of-counts give no valid discounts (tiny or degenerate corpora). */
export const FALLBACK_DISCOUNTS: Readonly<Discounts> = [0.5, 1, 1.5];

export interface KneserNeyOptions {
  /** Fixed discounts per order (`discounts[n - 1]` for order n) instead of estimating them. */
  discounts?: readonly (readonly [number, number, number])[];
  /**
   * Count cutoffs per order, as lmplz's `--prune`: `prune[n - 1]` = k drops the
   * n-grams of order n whose count (the adjusted count KN uses at that order)
   * is ≤ k. The last value holds for the higher orders; values must not
   * decrease, and unigrams are never pruned (`prune[0]` must be 0).
   * See `buildKneserNey` for how the statistics stay consistent.
   */
  prune?: readonly number[];
}

/**
 * Chen & Goodman's discounts from counts-of-counts t_k (n-grams seen exactly k
 * times): Y = t1 / (t1 + 2 t2), D1 = 1 − 2Y t2/t1, D2 = 2 − 3Y t3/t2,
 * D3+ = 3 − 4Y t4/t3. Returns undefined when a t_k is zero or a discount falls
 * outside 0 ≤ D_k ≤ k.
 */
export function estimateDiscounts(t1: number, t2: number, t3: number, t4: number): Discounts | undefined {
  const Y = t1 / (t1 + 2 * t2);
  const d: Discounts = [1 - (2 * Y * t2) / t1, 2 - (3 * Y * t3) / t2, 3 - (4 * Y * t4) / t3];
  return validDiscounts(d) ? d : undefined;
}

function validDiscounts(d: readonly number[]): boolean {
  return d.length === 3 && d.every((x, i) => Number.isFinite(x) && x >= 0 && x <= i + 1);
}

/**
 * Kneser-Ney adjusted counts: the raw count for order N and for n-grams that
 * start with `<s>`; for lower orders the continuation count N1+(• w_1..w_n),
 * the number of distinct tokens seen right before the n-gram. Where an n-gram
 * opens an input sequence without `<s>`, that start counts as one more
 * distinct left context, so every n-gram seen has a positive adjusted count.
 */
export function adjustedCounts(c: NgramCounts): Float64Array {
  const { length, suffix, first } = c.trie.columns();
  const n = length.length;
  const cont = new Float64Array(n);
  for (let id = 1; id < n; id++) {
    if ((length[id] as number) >= 2) cont[suffix[id] as number] = (cont[suffix[id] as number] as number) + 1;
  }
  const adj = new Float64Array(n);
  for (let id = 1; id < n; id++) {
    const len = length[id] as number;
    if (len === 1 && first[id] === c.bos) continue; // <s> is never predicted
    adj[id] = len === c.order || first[id] === c.bos ? (c.counts[id] as number) : (cont[id] as number) + (c.atStart[id] as number);
  }
  return adj;
}

/**
 * Interpolated modified Kneser-Ney (Chen & Goodman 1998), stored in backoff form:
 *   p_n(w | h) = max(c(h,w) − D(c(h,w)), 0) / c(h) + γ(h) · p_{n−1}(w | h'),
 *   γ(h) = (D1 N1(h•) + D2 N2(h•) + D3+ N3+(h•)) / c(h),
 * with adjusted counts c (see `adjustedCounts`) and the unigrams interpolated
 * with the uniform distribution over the predictable tokens (all but `<s>`).
 * Listing P(h, w) = p_n(w | h) for seen (h, w) and bow(h) = γ(h) gives exactly
 * the interpolated model when queried by backoff.
 *
 * Pruning (`prune`): discounts come from the unpruned counts-of-counts, and a
 * dropped n-gram's discounted mass moves into its context's weight,
 * γ'(h) = γ(h) + Σ_{pruned (h,w)} (c(h,w) − D(c(h,w))) / c(h); every kept
 * probability interpolates with γ'(h) and with the lower order as the pruned
 * model answers it by backoff, so each distribution still sums to 1. An
 * n-gram that is the context of a kept longer one is kept. Pruned n-grams
 * leave the trie, so the model (and its file) shrinks.
 */
export function buildKneserNey(counts: NgramCounts, vocab: Vocab, boundaries: boolean, options: KneserNeyOptions = {}): BackoffModel {
  const c = withAllUnigrams(counts);
  const N = c.order;
  const { length, prefix, suffix, last } = c.trie.columns();
  const size = length.length;
  const adj = adjustedCounts(c);

  const discounts: Discounts[] = [];
  for (let n = 1; n <= N; n++) {
    const given = options.discounts?.[n - 1];
    if (given !== undefined) {
      if (!validDiscounts(given)) {
        throw new SeqlmError('INVALID_ARGUMENT', `discounts of order ${n} must be [D1, D2, D3+] with 0 ≤ D_k ≤ k, got ${JSON.stringify(given)}`);
      }
      discounts.push([given[0], given[1], given[2]]);
      continue;
    }
    const t = [0, 0, 0, 0, 0];
    for (let id = 1; id < size; id++) {
      const a = adj[id] as number;
      if (length[id] === n && a >= 1 && a <= 4) t[a] = (t[a] as number) + 1;
    }
    discounts.push(estimateDiscounts(t[1] as number, t[2] as number, t[3] as number, t[4] as number) ?? [...FALLBACK_DISCOUNTS]);
  }
  if (options.discounts !== undefined && options.discounts.length > N) {
    throw new SeqlmError('INVALID_ARGUMENT', `${options.discounts.length} discount triples given for a model of order ${N}`);
  }

  const thresholds = pruneThresholds(options.prune, N);

  // c(h) and γ(h)·c(h) for every context h, from its successors' adjusted counts
  const total = new Float64Array(size);
  const gammaNum = new Float64Array(size);
  for (let id = 1; id < size; id++) {
    const a = adj[id] as number;
    if (a <= 0) continue;
    const d = discounts[(length[id] as number) - 1] as Discounts;
    const p = prefix[id] as number;
    total[p] = (total[p] as number) + a;
    gammaNum[p] = (gammaNum[p] as number) + (d[Math.min(a, 3) - 1] as number);
  }

  const pruned = thresholds === undefined ? undefined : prune(c, adj, discounts, thresholds, gammaNum);

  // q: p(w | h) as the (pruned) model answers it by backoff, for listed and pruned n-grams alike
  const q = new Float64Array(size);
  const logp10 = new Float64Array(size).fill(Number.NaN);
  const predictable = vocab.size - (c.bos >= 0 ? 1 : 0);
  for (let n = 1; n <= N; n++) {
    const d = discounts[n - 1] as Discounts;
    for (let id = 1; id < size; id++) {
      if (length[id] !== n) continue;
      const a = adj[id] as number;
      const h = prefix[id] as number;
      let p: number;
      if (n === 1) {
        if (last[id] === c.bos) {
          logp10[id] = Number.NEGATIVE_INFINITY;
          continue;
        }
        const ch = total[ROOT] as number;
        p = ch > 0 ? Math.max(a - discount(d, a), 0) / ch + (gammaNum[ROOT] as number) / ch / predictable : 1 / predictable;
      } else {
        if (a <= 0) continue;
        const ch = total[h] as number;
        const gamma = (gammaNum[h] as number) / ch;
        const lower = q[suffix[id] as number] as number;
        if (pruned?.[id] === 1) {
          q[id] = gamma * lower;
          continue;
        }
        p = Math.max(a - discount(d, a), 0) / ch + gamma * lower;
      }
      q[id] = p;
      logp10[id] = Math.log10(p);
    }
  }

  const bow10 = new Float64Array(size);
  for (let id = 1; id < size; id++) {
    const ch = total[id] as number;
    if (ch > 0) bow10[id] = Math.log10((gammaNum[id] as number) / ch);
  }
  const kept = pruned === undefined ? { trie: c.trie, logp10, bow10 } : compact(c.trie, logp10, bow10);
  return new BackoffModel({
    vocab,
    order: N,
    estimator: { kind: 'kneser-ney', discounts },
    boundaries,
    ...kept,
    trainedOn: { tokens: c.tokens, sequences: c.sequences },
  });
}

/** `prune` checked and extended to one threshold per order; undefined when nothing would be pruned. */
function pruneThresholds(prune: readonly number[] | undefined, N: number): number[] | undefined {
  if (prune === undefined || prune.length === 0) return undefined;
  const bad = (why: string): never => {
    throw new SeqlmError('INVALID_ARGUMENT', `prune thresholds ${JSON.stringify(prune)}: ${why}`, { prune });
  };
  if (!prune.every((t) => Number.isSafeInteger(t) && t >= 0)) bad('each must be an integer ≥ 0');
  if (prune[0] !== 0) bad('unigrams cannot be pruned (the first threshold must be 0), as in lmplz');
  if (prune.length > N) bad(`${prune.length} thresholds for a model of order ${N}`);
  for (let i = 1; i < prune.length; i++) if ((prune[i] as number) < (prune[i - 1] as number)) bad('thresholds must not decrease with the order, as in lmplz');
  const out = Array.from({ length: N }, (_, i) => prune[Math.min(i, prune.length - 1)] as number);
  return out.some((t) => t > 0) ? out : undefined;
}

/**
 * Marks the n-grams (order ≥ 2) whose adjusted count is ≤ their order's
 * threshold, from the highest order down so that the context of a kept
 * n-gram is kept too, and adds each one's discounted mass to γ(h)·c(h).
 */
function prune(c: NgramCounts, adj: Float64Array, discounts: Discounts[], thresholds: number[], gammaNum: Float64Array): Uint8Array {
  const { length, prefix } = c.trie.columns();
  const size = length.length;
  const pruned = new Uint8Array(size);
  const needed = new Uint8Array(size);
  for (let n = c.order; n >= 2; n--) {
    const t = thresholds[n - 1] as number;
    const d = discounts[n - 1] as Discounts;
    for (let id = 1; id < size; id++) {
      if (length[id] !== n) continue;
      const a = adj[id] as number;
      if (a <= 0) continue;
      const h = prefix[id] as number;
      if (a <= t && needed[id] === 0) {
        pruned[id] = 1;
        gammaNum[h] = (gammaNum[h] as number) + (a - discount(d, a));
      } else needed[h] = 1;
    }
  }
  return pruned;
}

/**
 * A trie holding only the listed n-grams and the prefixes and suffixes they
 * need (the trie's invariants), with the columns renumbered to match.
 */
function compact(trie: NgramTrie, logp10: Float64Array, bow10: Float64Array): { trie: NgramTrie; logp10: Float64Array; bow10: Float64Array } {
  const { prefix, suffix, first, last } = trie.columns();
  const size = prefix.length;
  const keep = new Uint8Array(size);
  for (let id = 1; id < size; id++) if (!Number.isNaN(logp10[id] as number)) keep[id] = 1;
  // ids are created after their prefix and suffix, so one backward pass closes the set
  for (let id = size - 1; id >= 1; id--) {
    if (keep[id] === 0) continue;
    keep[prefix[id] as number] = 1;
    keep[suffix[id] as number] = 1;
  }
  let count = 1;
  for (let id = 1; id < size; id++) count += keep[id] as number;
  const out = new NgramTrie(trie.vocabSize, trie.order, count);
  const map = new Int32Array(size).fill(-1);
  map[ROOT] = ROOT;
  const lp = new Float64Array(count);
  const bw = new Float64Array(count);
  lp[ROOT] = Number.NaN;
  bw[ROOT] = bow10[ROOT] as number;
  for (let id = 1; id < size; id++) {
    if (keep[id] === 0) continue;
    const to = out.add(map[prefix[id] as number] as number, map[suffix[id] as number] as number, first[id] as number, last[id] as number);
    map[id] = to;
    lp[to] = logp10[id] as number;
    bw[to] = bow10[id] as number;
  }
  return { trie: out, logp10: lp, bow10: bw };
}

function discount(d: Discounts, count: number): number {
  return count <= 0 ? 0 : (d[Math.min(count, 3) - 1] as number);
}
