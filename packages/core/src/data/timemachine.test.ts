import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { charTokenizer, normalize } from '../text/index.ts';
import { UNK, Vocab } from '../vocab/index.ts';
import { SeqBatcher } from './seq-batcher.ts';
import { splitByPosition } from './split.ts';

// This file is packages/core/src/data/; the corpora sit in shared/data beside the repository.
const repoRoot = resolve(import.meta.dirname, '..', '..', '..', '..');
const dataDir = process.env.SEQLM_DATA_DIR ?? resolve(repoRoot, '..', 'shared', 'data');
const path = resolve(dataDir, 'timemachine.txt');

describe('The Time Machine through the D2L pipeline', () => {
  // Reads the real corpus: a missing file fails with its path (set SEQLM_DATA_DIR if it lives elsewhere).
  it('has a character vocabulary of 28: <unk>, space and 26 letters', () => {
    const text = normalize(readFileSync(path, 'utf8'), 'd2l');
    const tokens = charTokenizer.tokenize(text);
    const vocab = Vocab.build(tokens);
    expect(vocab.size).toBe(28);
    expect(vocab.tokens[0]).toBe(UNK);
    expect([...vocab.tokens.slice(1)].sort()).toEqual([' ', ...'abcdefghijklmnopqrstuvwxyz']);
    // D2L: space is the most frequent character, then 'e'.
    expect(vocab.tokens.slice(1, 3)).toEqual([' ', 'e']);

    const corpus = vocab.encode(tokens);
    expect(vocab.countUnknown(tokens)).toBe(0);
    const { train, val } = splitByPosition(corpus);
    expect(train.length + val.length).toBe(corpus.length);
    const batcher = new SeqBatcher(train, { batchSize: 32, numSteps: 35, sampling: 'sequential' });
    const plan = batcher.epoch({ seed: 0, epoch: 0 });
    // Row 0 of the first sequential batch is the text right after the epoch's offset.
    expect(vocab.decode(plan.batch(0).X.subarray(0, 35)).join('')).toBe(text.slice(plan.offset, plan.offset + 35));
  });
});
