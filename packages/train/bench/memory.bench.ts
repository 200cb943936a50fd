/**
 * Resident memory of `seqlm train`'s loop on the core-wasm engine after each
 * of 3 epochs (GRU-256, Adam, The Time Machine's first 60k characters, batch
 * 32 × 35): each workspace's wasm memory is sized once, so the figure must
 * not grow from epoch to epoch.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchDataDir, type BenchRow } from '../../../scripts/bench-kit.ts';
import { prepareText } from '../src/lm/data.ts';
import { CoreEngine } from '../src/lm/core-engine.ts';
import { engineSpec, LM_DEFAULTS, trainLanguageModel, type LmTrainConfig } from '../src/lm/train.ts';

export default async (): Promise<BenchRow[]> => {
  const file = join(benchDataDir(), 'timemachine.txt');
  if (!existsSync(file)) return [{ name: 'core-wasm training memory', value: 0, unit: 'skipped', note: `${file} is missing` }];
  const corpus = prepareText(readFileSync(file, 'utf8').slice(0, 60_000), { tokenizer: 'char', normalization: 'd2l' });
  const config: LmTrainConfig = { ...LM_DEFAULTS, cell: 'gru', embeddingSize: null, epochs: 3, optimizer: 'adam', lr: 0.005, patience: null };
  const rss: number[] = [];
  const result = await trainLanguageModel({
    corpus,
    config,
    checkpointDir: null,
    engine: new CoreEngine(engineSpec(config, corpus), 'wasm'),
    hooks: { onEpoch: () => void rss.push(process.memoryUsage().rss / 2 ** 20) },
  });
  result.model.dispose();
  const growth = rss[2]! - rss[1]!;
  return [
    ...rss.map((mb, i) => ({ name: `core-wasm training resident memory after epoch ${i + 1} of 3`, value: mb, unit: 'MiB', note: 'GRU-256, batch 32 × 35, evaluation included' })),
    { name: 'core-wasm training memory growth, epoch 2 → 3', value: growth, unit: 'MiB', goal: { op: '<=', value: 5 }, note: 'workspaces are allocated once per batch shape' },
  ];
};
