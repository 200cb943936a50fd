import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalize, wordTokenizer } from '../text/index.ts';
import { corpusStats } from './corpus-stats.ts';

// This file is packages/core/src/stats/; the corpora sit in shared/data beside the repository.
const repoRoot = resolve(import.meta.dirname, '..', '..', '..', '..');
const dataDir = process.env.SEQLM_DATA_DIR ?? resolve(repoRoot, '..', 'shared', 'data');

describe('corpusStats on The Time Machine (words)', () => {
  it('reproduces the top counts D2L prints for unigrams, bigrams and trigrams', () => {
    const text = normalize(readFileSync(resolve(dataDir, 'timemachine.txt'), 'utf8'), 'd2l');
    const stats = corpusStats(wordTokenizer.tokenize(text), { topK: 10 });
    const top = (order: number) => new Map(stats.orders[order - 1]?.top.map((e) => [e.gram.join(' '), e.count]));
    // The counts D2L's "Language Models" section prints for this corpus (its Counter's most_common(10)).
    expect(top(1)).toEqual(
      new Map([['the', 2261], ['i', 1267], ['and', 1245], ['of', 1155], ['a', 816], ['to', 695], ['was', 552], ['in', 541], ['that', 443], ['my', 440]]),
    );
    expect([...top(2)].slice(0, 5)).toEqual([['of the', 309], ['in the', 169], ['i had', 130], ['i was', 112], ['and the', 109]]);
    expect(top(3).get('the time traveller')).toBe(59);
    expect(top(3).get('the time machine')).toBe(30);
    expect(top(3).get('the medical man')).toBe(24);
    // Every order has one position fewer than the one below it.
    expect(stats.orders.map((o) => stats.tokens - o.total)).toEqual([0, 1, 2]);
    // Word frequencies follow Zipf's law with an exponent near 1 (D2L 9.2); higher orders fall off more slowly.
    const [uni, bi, tri] = stats.orders.map((o) => o.zipf?.exponent as number);
    expect(uni).toBeGreaterThan(0.8);
    expect(uni).toBeLessThan(1.2);
    expect(bi).toBeLessThan(uni as number);
    expect(tri).toBeLessThan(bi as number);
    for (const o of stats.orders) expect(o.points.length).toBeLessThanOrEqual(300);
  });
});
