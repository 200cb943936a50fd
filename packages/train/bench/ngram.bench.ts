/**
 * What `seqlm ngram build` spends its time on for char models: tokenizing,
 * counting and estimating on the first 90% and scoring the last 10%
 * (`buildNgram`), then writing and reading back the model directory.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchDataDir, timeIt, type BenchRow } from '../../../scripts/bench-kit.ts';
import { loadCorpus } from '../src/corpus/index.ts';
import { buildNgram, writeNgramModelDir } from '../src/ngram/index.ts';
import { loadModelDir } from '../src/runtime/index.ts';

export default async (): Promise<BenchRow[]> => {
  const dataDir = benchDataDir();
  const rows: BenchRow[] = [];
  const timemachine = await loadCorpus('timemachine', { dataDir });
  const shakespeare = await loadCorpus('tinyshakespeare', { dataDir });

  const tmMs = await timeIt(() => buildNgram(timemachine.text, { order: 5, tokenizer: 'char', normalization: 'd2l', smoothing: 'kn' }), 3, 1);
  rows.push({
    name: 'ngram build, char 5-gram Kneser-Ney (The Time Machine, d2l, 90/10)',
    value: tmMs,
    unit: 'ms',
    goal: { op: '<=', value: 1000 },
    note: 'tokenize, count, estimate and score validation; no file I/O',
  });

  const build = (): ReturnType<typeof buildNgram> => buildNgram(shakespeare.text, { order: 6, tokenizer: 'char', normalization: 'raw', smoothing: 'kn' });
  const shMs = await timeIt(build, 2, 1);
  rows.push({
    name: 'ngram build, char 6-gram Kneser-Ney (Tiny Shakespeare, raw, 90/10)',
    value: shMs,
    unit: 'ms',
    goal: { op: '<=', value: 3000 },
    note: '1.0M training chars, 0.46M distinct n-grams; no file I/O',
  });

  const { model } = build();
  const dir = await mkdtemp(join(tmpdir(), 'seqlm-ngram-bench-'));
  try {
    const out = join(dir, 'model');
    const text = { tokenizer: 'char', normalization: 'raw' } as const;
    const writeMs = await timeIt(() => writeNgramModelDir(out, model, { text }), 3, 1);
    rows.push({ name: 'write model dir, char 6-gram KN (Tiny Shakespeare, 10 MB model.ngram)', value: writeMs, unit: 'ms', note: 'encode, sha256, temp dir + rename' });
    const readMs = await timeIt(() => loadModelDir(out, { runtime: 'core' }), 3, 1);
    rows.push({
      name: 'read model dir, char 6-gram KN (Tiny Shakespeare)',
      value: readMs,
      unit: 'ms',
      goal: { op: '<=', value: 1000 },
      note: 'loadModelDir: manifest validation, sha256 (node:crypto, once), decode',
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
};
