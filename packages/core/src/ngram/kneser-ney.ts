import { SeqlmError } from '../errors/index.ts';
import type { Vocab } from '../vocab/index.ts';
import { BackoffModel } from './backoff-model.ts';
import { type NgramCounts } from './count.ts';
import { ROOT } from './trie.ts';
import { withAllUnigrams } from './unigrams.ts';

/** D1, D2, D3+ of one order. */
export type Discounts = [number, number, number];

/** KenLM's fallback when counts-of-counts give no valid discounts (tiny or degenerate corpora). */
export const FALLBACK_DISCOUNTS: Readonly<Discounts> = [0.5, 1, 1.5];

export interface KneserNeyOptions {
  /** Fixed discounts per order (`discounts[n - 1]` for order n) instead of estimating them. */
  discounts?: readonly (readonly [number, number, number])[];
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

  const prob = new Float64Array(size);
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
        p = Math.max(a - discount(d, a), 0) / ch + ((gammaNum[h] as number) / ch) * (prob[suffix[id] as number] as number);
      }
      prob[id] = p;
      logp10[id] = Math.log10(p);
    }
  }

  const bow10 = new Float64Array(size);
  for (let id = 1; id < size; id++) {
    const ch = total[id] as number;
    if (ch > 0) bow10[id] = Math.log10((gammaNum[id] as number) / ch);
  }
  return new BackoffModel({
    vocab,
    order: N,
    estimator: { kind: 'kneser-ney', discounts },
    boundaries,
    trie: c.trie,
    logp10,
    bow10,
    trainedOn: { tokens: c.tokens, sequences: c.sequences },
  });
}

function discount(d: Discounts, count: number): number {
  return count <= 0 ? 0 : (d[Math.min(count, 3) - 1] as number);
}
