/**
 * The interpolated model `npm start` serves (`models/tm-mix`: the char GRU and
 * the char 5-gram) against its components, on the held-out last 10% of The
 * Time Machine, and what a token costs through core's runtime layer. Needs the
 * models `npm start` trains; without them the rows are skipped (and said so).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { splitByPosition } from '@seqlm/core/data';
import type { LanguageModel } from '@seqlm/core/lm';
import { getTokenizer, normalize } from '@seqlm/core/text';
import { benchDataDir, repoRoot, type BenchRow } from '../../../scripts/bench-kit.ts';
import { loadCorpus } from '../src/corpus/index.ts';
import { loadModelDir } from '../src/runtime/index.ts';

const MODELS = ['tm-gru', 'tm-5gram', 'tm-mix'] as const;

async function heldOutPerplexity(model: LanguageModel, tokens: string[]): Promise<number> {
  const ids = model.vocab.encode(tokens);
  const score = await model.score({ tokens, ids, oov: model.vocab.countUnknown(tokens) });
  return score.perplexity ?? Number.NaN;
}

async function msPerToken(model: LanguageModel, prompt: string, maxTokens: number): Promise<number> {
  const run = async (seed: number): Promise<number> => {
    const start = performance.now();
    let n = 0;
    for await (const _ of model.generate(prompt, { maxTokens, seed })) n++;
    return (performance.now() - start) / Math.max(1, n);
  };
  await run(0);
  const times = [await run(1), await run(2), await run(3)];
  return times.sort((a, b) => a - b)[1] as number;
}

export default async (): Promise<BenchRow[]> => {
  const dirs = MODELS.map((m) => join(repoRoot, 'models', m));
  if (!dirs.every((d) => existsSync(join(d, 'manifest.json')))) {
    console.log(`mix bench: skipped, ${MODELS.map((m) => `models/${m}`).join(', ')} are made by \`npm start\` (or seqlm train / ngram build / mix)`);
    return [];
  }
  const corpus = await loadCorpus('timemachine', { dataDir: benchDataDir() });
  const rows: BenchRow[] = [];
  const models = await Promise.all(dirs.map((d) => loadModelDir(d, { runtime: 'web' })));
  const first = models[0] as LanguageModel;
  const tokens = getTokenizer(first.text.tokenizer).tokenize(normalize(corpus.text, first.text.normalization));
  const held = splitByPosition(tokens, 0.9).val;
  const ppl: number[] = [];
  for (const [i, model] of models.entries()) {
    const p = await heldOutPerplexity(model, held);
    ppl.push(p);
    const isMix = MODELS[i] === 'tm-mix';
    rows.push({
      name: `held-out perplexity, ${MODELS[i]} (The Time Machine, last 10%, ${held.length} chars)`,
      value: p,
      unit: 'ppl',
      ...(isMix ? { goal: { op: '<=' as const, value: 3.85 } } : {}),
      note: isMix ? `below both components: ${p < Math.min(ppl[0] as number, ppl[1] as number) ? 'yes' : 'NO'}` : model.kind,
    });
  }
  for (const [i, model] of models.entries()) {
    rows.push({
      name: `generate through the runtime, ${MODELS[i]} (onnxruntime-web in Node for the GRU), 200 tokens`,
      value: await msPerToken(model, 'the time traveller ', 200),
      unit: 'ms/token',
      note: 'LanguageModel.generate: cursor feed + sampling, median of 3',
    });
  }
  return rows;
};
