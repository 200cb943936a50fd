/**
 * `stats.json`: core's `corpusStats` of a model's training tokens, shipped in
 * the model directory (manifest role `stats`) so the playground can draw the
 * corpus's Zipf plot (D2L 9.2.2) without the corpus itself.
 */
import { join } from 'node:path';
import { fileEntry, type ManifestFile } from '@seqlm/core/manifest';
import { corpusStats, type CorpusStatsOptions } from '@seqlm/core/stats';
import { writeFileAtomic } from '../lm/atomic-write.ts';

export const STATS_FILE = 'stats.json';

/** Unigrams to trigrams, the ten most frequent of each, ~200 log-log points per order: a few KB to ship. */
export const STATS_OPTIONS: Readonly<Required<CorpusStatsOptions>> = Object.freeze({ maxOrder: 3, topK: 10, plotPoints: 200 });

/** The bytes of `stats.json` for `tokens` (compact JSON of `corpusStats(tokens, STATS_OPTIONS)`). */
export function corpusStatsBytes(tokens: readonly string[]): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(corpusStats(tokens, STATS_OPTIONS))}\n`);
}

/**
 * Writes `dir/stats.json` atomically and returns its manifest entry (role
 * `stats`, size and sha256), to be listed in the model's `files`.
 */
export async function writeCorpusStats(dir: string, tokens: readonly string[]): Promise<ManifestFile> {
  const bytes = corpusStatsBytes(tokens);
  await writeFileAtomic(join(dir, STATS_FILE), bytes);
  return fileEntry('stats', STATS_FILE, bytes);
}
