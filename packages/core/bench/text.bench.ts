/**
 * Text pipeline throughput on Tiny Shakespeare: tokenising + encoding to ids
 * (char tokenizer on raw text, word tokenizer), plus n-gram statistics and
 * sequential batching over the encoded corpus.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchDataDir, timeIt, type BenchRow } from '../../../scripts/bench-kit.ts';
import { SeqBatcher } from '../src/data/index.ts';
import { corpusStats } from '../src/stats/index.ts';
import { charTokenizer, normalize, wordTokenizer, type Tokenizer } from '../src/text/index.ts';
import { Vocab } from '../src/vocab/index.ts';

export default async (): Promise<BenchRow[]> => {
  const text = normalize(readFileSync(join(benchDataDir(), 'tinyshakespeare.txt'), 'utf8'), 'raw');
  const rows: BenchRow[] = [];

  const tokenizeEncode = async (name: string, tokenizer: Tokenizer): Promise<Int32Array> => {
    const tokens = tokenizer.tokenize(text);
    // The vocabulary is built once, as training does; the timed path is what every request or epoch repeats.
    const vocab = Vocab.build(tokens);
    const tokenizeMs = await timeIt(() => tokenizer.tokenize(text), 5, 2);
    const totalMs = await timeIt(() => vocab.encode(tokenizer.tokenize(text)), 5, 2);
    rows.push({
      name: `tokenise+encode tokens/s (${name}, Tiny Shakespeare, ${tokens.length.toLocaleString('en-US')} tokens)`,
      value: tokens.length / (totalMs / 1000),
      unit: 'tokens/s',
      note: `tokenise ${tokenizeMs.toFixed(1)} ms + encode ${(totalMs - tokenizeMs).toFixed(1)} ms per pass, V=${vocab.size}`,
    });
    return vocab.encode(tokens);
  };

  const chars = await tokenizeEncode('char, raw', charTokenizer);
  const words = await tokenizeEncode('word, raw', wordTokenizer);

  const statsMs = await timeIt(() => corpusStats(words), 2, 1);
  rows.push({
    name: 'corpus stats tokens/s (word orders 1..3, Tiny Shakespeare)',
    value: words.length / (statsMs / 1000),
    unit: 'tokens/s',
    note: `${statsMs.toFixed(0)} ms per pass over ${words.length.toLocaleString('en-US')} ids`,
  });

  const batcher = new SeqBatcher(chars, { batchSize: 32, numSteps: 35, sampling: 'random' });
  let epoch = 0;
  const epochMs = await timeIt(() => {
    for (const batch of batcher.epoch({ seed: 0, epoch: epoch++ })) void batch;
  }, 5, 2);
  rows.push({
    name: 'random batching tokens/s (char, B=32, T=35)',
    value: chars.length / (epochMs / 1000),
    unit: 'tokens/s',
    note: `one epoch of X and Y copies in ${epochMs.toFixed(1)} ms`,
  });
  return rows;
};
