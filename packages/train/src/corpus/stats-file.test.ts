import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256, withTempDir } from '../testing.test-util.ts';
import { STATS_FILE, writeCorpusStats } from './stats-file.ts';

describe('writeCorpusStats', () => {
  it('writes stats.json with counts checkable by hand and returns its manifest entry', async () => {
    await withTempDir(async (dir) => {
      // "abab a": a ×3, b ×2, space ×1; bigrams ab ×2, ba ×1, "b " ×1, " a" ×1.
      const tokens = Array.from('abab a');
      const entry = await writeCorpusStats(dir, tokens);
      const bytes = await readFile(join(dir, STATS_FILE));
      expect(entry).toEqual({ role: 'stats', path: STATS_FILE, bytes: bytes.length, sha256: sha256(bytes) });
      const stats = JSON.parse(bytes.toString('utf8')) as {
        tokens: number;
        orders: { order: number; total: number; distinct: number; top: { gram: string[]; count: number }[]; points: { rank: number; freq: number }[] }[];
      };
      expect(stats.tokens).toBe(6);
      expect(stats.orders.map((o) => o.order)).toEqual([1, 2, 3]);
      const [uni, bi, tri] = stats.orders as [(typeof stats.orders)[0], (typeof stats.orders)[0], (typeof stats.orders)[0]];
      expect([uni.total, uni.distinct]).toEqual([6, 3]);
      expect(uni.top[0]).toEqual({ gram: ['a'], count: 3 });
      expect([bi.total, bi.distinct]).toEqual([5, 4]);
      expect(bi.top[0]).toEqual({ gram: ['a', 'b'], count: 2 });
      expect(tri.total).toBe(4);
      expect(uni.points.map((p) => p.freq)).toEqual([3, 2, 1]);
    });
  });

  it('keeps at most ten n-grams per order', async () => {
    await withTempDir(async (dir) => {
      await writeCorpusStats(dir, Array.from('abcdefghijklmnopqrstuvwxyz'));
      const stats = JSON.parse(await readFile(join(dir, STATS_FILE), 'utf8')) as { orders: { distinct: number; top: unknown[] }[] };
      expect(stats.orders[0]!.distinct).toBe(26);
      expect(stats.orders[0]!.top).toHaveLength(10);
    });
  });
});
