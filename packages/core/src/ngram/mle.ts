import type { Vocab } from '../vocab/index.ts';
import { BackoffModel } from './backoff-model.ts';
import { contextTotals, type NgramCounts } from './count.ts';
import { withAllUnigrams } from './unigrams.ts';

/**
 * Maximum likelihood, D2L's p(x' | x) = n(x, x') / n(x), in backoff form:
 * P(h, w) = n(h, w) / n(h) for every seen n-gram and bow(h) = 0 for every
 * context seen in training, so an unseen n-gram after a seen context gets
 * probability exactly 0. A context never seen in training has no estimate
 * of its own; the longest suffix of it that was seen is used instead (down
 * to the unigrams), which also covers the short contexts at a text's start.
 */
export function buildMle(counts: NgramCounts, vocab: Vocab, boundaries: boolean): BackoffModel {
  const c = withAllUnigrams(counts);
  const { prefix, last } = c.trie.columns();
  const size = prefix.length;
  const totals = contextTotals(c);
  const logp10 = new Float64Array(size);
  const bow10 = new Float64Array(size);
  for (let id = 1; id < size; id++) {
    const n = c.counts[id] as number;
    const h = totals[prefix[id] as number] as number;
    logp10[id] = n > 0 && h > 0 && last[id] !== c.bos ? Math.log10(n / h) : Number.NEGATIVE_INFINITY;
    if ((totals[id] as number) > 0) bow10[id] = Number.NEGATIVE_INFINITY;
  }
  return new BackoffModel({
    vocab,
    order: c.order,
    estimator: { kind: 'mle' },
    boundaries,
    trie: c.trie,
    logp10,
    bow10,
    trainedOn: { tokens: c.tokens, sequences: c.sequences },
  });
}
