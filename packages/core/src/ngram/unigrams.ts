import type { NgramCounts } from './count.ts';
import { ROOT } from './trie.ts';

/**
 * The counts with a unigram id for every token of the vocabulary, unseen ones
 * included (with count 0), so each token has a listed unigram probability.
 * Adds ids to the shared trie: `counts` must not be used afterwards.
 */
export function withAllUnigrams(counts: NgramCounts): NgramCounts {
  const { trie } = counts;
  for (let w = 0; w < counts.vocabSize; w++) {
    if (trie.child(ROOT, w) < 0) trie.add(ROOT, ROOT, w, w);
  }
  if (trie.size === counts.counts.length) return counts;
  const c = new Float64Array(trie.size);
  c.set(counts.counts);
  const atStart = new Uint8Array(trie.size);
  atStart.set(counts.atStart);
  return { ...counts, counts: c, atStart };
}
