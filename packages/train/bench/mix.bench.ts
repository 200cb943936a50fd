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
import { Rng } from '@seqlm/core/random';
import { sampleToken } from '@seqlm/core/sampling';
import { UNK_ID } from '@seqlm/core/vocab';
import { readFileSync } from 'node:fs';
import { createSession } from '../src/onnx/runtime.ts';
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
  rows.push(...(await layerOverhead(join(repoRoot, 'models', 'tm-gru'))));
  return rows;
};

/** CPU ms of this process (user + system) while `fn` runs: unlike wall time, not inflated when a loaded machine deschedules us. */
async function cpuMs(fn: () => Promise<unknown>): Promise<number> {
  const before = process.cpuUsage();
  await fn();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

const LAYER_ROUNDS = 15;
const LAYER_RUNS = 3;

/**
 * What core's runtime layer adds per generated token over driving the same
 * onnxruntime-web session by hand (feeds, state carried, sampleToken): each
 * side runs LAYER_RUNS generations per round, rounds alternate, and the ratio
 * is of the totals of process CPU time, so machine load affects both alike.
 */
async function layerOverhead(dir: string): Promise<BenchRow[]> {
  const model = await loadModelDir(dir, { runtime: 'web' });
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const session = await createSession('web', new Uint8Array(readFileSync(join(dir, 'model.onnx'))));
  const H = manifest.architecture.hiddenSize as number;
  const L = manifest.architecture.numLayers as number;
  const V = manifest.architecture.vocabSize as number;
  const prompt = model.encodePrefix('the time traveller ').ids;
  const N = 200;
  const raw = async (seed: number): Promise<void> => {
    const rng = new Rng(seed);
    let out = await session.run({ ids: { dtype: 'int32', data: prompt, dims: [1, prompt.length] }, h0: { dtype: 'float32', data: new Float32Array(L * H), dims: [L, 1, H] } });
    let logits = (out.logits as { data: Float32Array }).data.subarray((prompt.length - 1) * V);
    for (let i = 0; i < N; i++) {
      const id = sampleToken(logits, { temperature: 1, excludeIds: [UNK_ID] }, rng);
      if (i + 1 === N) break;
      out = await session.run({ ids: { dtype: 'int32', data: Int32Array.of(id), dims: [1, 1] }, h0: { dtype: 'float32', data: (out.hT as { data: Float32Array }).data, dims: [L, 1, H] } });
      logits = (out.logits as { data: Float32Array }).data;
    }
  };
  const layered = async (seed: number): Promise<void> => {
    let n = 0;
    for await (const _ of model.generate(prompt, { maxTokens: N, seed })) n++;
    if (n !== N) throw new Error(`generated ${n} tokens, not ${N}`);
  };
  const runs = (fn: (seed: number) => Promise<void>, round: number) => async () => {
    for (let i = 0; i < LAYER_RUNS; i++) await fn(round * LAYER_RUNS + i);
  };
  await runs(raw, 0)();
  await runs(layered, 0)();
  let rawMs = 0;
  let layeredMs = 0;
  for (let round = 1; round <= LAYER_ROUNDS; round++) {
    rawMs += await cpuMs(runs(raw, round));
    layeredMs += await cpuMs(runs(layered, round));
  }
  const perToken = (ms: number) => ms / (LAYER_ROUNDS * LAYER_RUNS * N);
  return [
    { name: 'generate per token, tm-gru on onnxruntime-web in Node, raw session loop', value: perToken(rawMs), unit: 'ms/token', note: 'process CPU; prompt run, then T=1 runs with the state carried and sampleToken: no runtime layer' },
    {
      name: "generate per token, tm-gru through core's runtime (LanguageModel.generate) / raw loop",
      value: layeredMs / rawMs,
      unit: '×',
      goal: { op: '<=', value: 1.05 },
      note: `${perToken(layeredMs).toFixed(4)} ms/token of CPU through the runtime; totals over ${LAYER_ROUNDS} alternating rounds of ${LAYER_RUNS} × ${N} tokens`,
    },
  ];
}
