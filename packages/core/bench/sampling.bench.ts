import { timeIt, type BenchRow } from '../../../scripts/bench-kit.ts';
import { Rng } from '../src/random/index.ts';
import { beamSearch, sampleToken, type StepModel } from '../src/sampling/index.ts';

/** A step model with fixed random logits per last token: measures decoding, not a network. */
function tableModel(vocabSize: number, rows: number): StepModel<number> {
  const rng = new Rng(1);
  const table = Array.from({ length: rows }, () => Float32Array.from({ length: vocabSize }, () => rng.normal(0, 2)));
  return {
    initialState: () => 0,
    step: (_state, ids) => ({ logits: table[(ids[0] as number) % rows] as Float32Array, state: ids[0] as number }),
  };
}

export default async (): Promise<BenchRow[]> => {
  const rows: BenchRow[] = [];
  const rng = new Rng(2);
  for (const v of [28, 5000]) {
    const logits = Float32Array.from({ length: v }, () => rng.normal(0, 2));
    const plain = await timeIt(() => sampleToken(logits, { temperature: 0.8 }, rng), 2000, 200);
    const nucleus = await timeIt(() => sampleToken(logits, { temperature: 0.8, topP: 0.9 }, rng), 500, 50);
    rows.push({ name: `sampleToken temperature (V=${v})`, value: plain * 1000, unit: 'µs/token' });
    rows.push({ name: `sampleToken top-p 0.9 (V=${v})`, value: nucleus * 1000, unit: 'µs/token', note: 'sorts the vocabulary once per token' });
  }
  const model = tableModel(5000, 64);
  const beamMs = await timeIt(() => beamSearch(model, [1], { beamWidth: 5, maxTokens: 20 }), 5, 1);
  rows.push({ name: 'beamSearch width 5, 20 tokens (V=5000)', value: beamMs, unit: 'ms', note: 'decoder overhead only; the model is a table lookup' });
  return rows;
};
