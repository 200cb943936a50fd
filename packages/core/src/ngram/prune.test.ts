import { describe, expect, it } from 'vitest';
import { normalize, wordTokenizer } from '../text/index.ts';
import { readArpa, writeArpa } from './arpa.ts';
import type { BackoffModel } from './backoff-model.ts';
import { countNgrams } from './count.ts';
import { adjustedCounts } from './kneser-ney.ts';
import { scoreTokens } from './score.ts';
import { trainNgram } from './train.ts';
import { readCorpus, sum } from './ngram.test-util.ts';

const lines = readCorpus('timemachine.txt')
  .split('\n')
  .map((l) => wordTokenizer.tokenize(normalize(l, 'd2l')))
  .filter((l) => l.length > 0);
const train = lines.slice(0, 1500);
const heldOut = lines.slice(1500, 1700);
const kn = (prune?: number[]): BackoffModel =>
  trainNgram(train, { order: 3, boundaries: true, estimator: { kind: 'kneser-ney', ...(prune ? { prune } : {}) } }) as BackoffModel;

describe('count pruning of Kneser-Ney (lmplz --prune)', () => {
  const full = kn();
  const pruned = kn([0, 0, 1]);
  const ids = (ws: string[]): number[] => Array.from(full.vocab.encode(ws));

  it('drops the trigrams seen once and keeps discounts, vocabulary and the other orders', () => {
    expect(pruned.ngramCount(1)).toBe(full.ngramCount(1));
    expect(pruned.ngramCount(2)).toBe(full.ngramCount(2));
    const counts = countNgrams(train.map((s) => full.vocab.encode(s)), { order: 3, vocabSize: full.vocab.size, bos: full.bos, eos: full.eos });
    const adj = adjustedCounts(counts);
    const { length } = counts.trie.columns();
    let singletons = 0;
    for (let id = 1; id < length.length; id++) if (length[id] === 3 && adj[id] === 1) singletons++;
    expect(singletons).toBeGreaterThan(1000);
    expect(pruned.ngramCount(3)).toBe(full.ngramCount(3) - singletons);
    expect(pruned.estimator).toEqual(full.estimator);
    // the pruned n-grams leave the trie: the model shrinks, not just hides them
    expect(pruned.trie.size).toBeLessThan(full.trie.size - singletons / 2);
  });

  it('moves the pruned mass into the backoff weights, so every distribution still sums to 1', () => {
    for (const ctx of [[pruned.bos], ids(['the']), ids(['of', 'the']), ids(['time', 'traveller']), ids(['i', 'saw']), ids(['zzz', 'time'])]) {
      const p = pruned.distribution(ctx);
      expect(Math.abs(sum(p) - 1)).toBeLessThan(1e-12);
    }
  });

  it('changes held-out perplexity only a little, and prune 0 changes nothing', () => {
    const a = scoreTokens(full, heldOut).perplexity as number;
    const b = scoreTokens(pruned, heldOut).perplexity as number;
    expect(Math.abs(b - a) / a).toBeLessThan(0.1);
    expect(b).not.toBe(a);
    const zero = kn([0, 0, 0]);
    expect(scoreTokens(zero, heldOut).logProbs).toEqual(scoreTokens(full, heldOut).logProbs);
  });

  it('writes an ARPA file that reads back as the same pruned model', () => {
    const back = readArpa(writeArpa(pruned));
    expect(scoreTokens(back, heldOut).logProbs).toEqual(scoreTokens(pruned, heldOut).logProbs);
  });

  it('prunes bigrams too, keeping those that are contexts of kept trigrams', () => {
    const harder = kn([0, 1, 2]);
    expect(harder.ngramCount(2)).toBeLessThan(full.ngramCount(2));
    // every listed trigram's context is still a listed bigram
    harder.forEachNgram(3, (words) => expect(harder.isListed(words.subarray(0, 2))).toBe(true));
    // trigram contexts whose bigram suffixes were pruned too: the lower order must be the pruned model's own
    let worst = 0;
    for (const line of train.slice(0, 50)) {
      const w = Array.from(harder.vocab.encode(line));
      for (let i = 0; i + 2 <= w.length; i++) worst = Math.max(worst, Math.abs(sum(harder.distribution([harder.bos, ...w].slice(i, i + 2))) - 1));
    }
    expect(worst).toBeLessThan(1e-12);
  });

  it('refuses thresholds lmplz refuses', () => {
    for (const prune of [[1, 1, 1], [0, 2, 1], [0, -1], [0, 0.5], [0, 0, 0, 1]]) {
      expect(() => kn(prune)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
  });
});
