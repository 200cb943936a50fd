/**
 * RNN/GRU/LSTM language-model throughput at the reference size
 * (V = 28, H = 256, B = 32, T = 35, one layer, one-hot input) on both kernel
 * sets (the TypeScript reference and the WebAssembly SIMD kernels): training
 * tokens/s for forward + BPTT + clipping + Adam, and batch-1 stateful
 * generation in ms/token. When python3-torch is importable, the same shapes
 * run in PyTorch on one thread and the ratio is reported. The cross-engine
 * table (with TensorFlow.js) is packages/train/bench/throughput.bench.ts.
 */
import type { BenchRow } from '../../../scripts/bench-kit.ts';
import { timeIt } from '../../../scripts/bench-kit.ts';
import { bestAndMedian, timeSteps, torchFigures, trainFlopsPerToken } from '../../../scripts/bench-torch.ts';
import { Rng } from '../src/random/index.ts';
import { Adam, clipGradNorm, RnnModel, type CellKind, type SequenceBatch } from '../src/rnn/index.ts';

const V = 28;
const H = 256;
const B = 32;
const T = 35;
const CELLS: CellKind[] = ['rnn', 'gru', 'lstm'];
const GOALS: Partial<Record<CellKind, { train: number; infer: number }>> = { gru: { train: 5000, infer: 0.15 } };

function randomBatch(rng: Rng): SequenceBatch {
  const X = new Int32Array(B * T).map(() => rng.int(V));
  const Y = new Int32Array(B * T).map(() => rng.int(V));
  return { X, Y, batchSize: B, numSteps: T };
}

/** Sorted wall and CPU ms per training step (after 2 warm-up steps), and batch-1 generation ms/token. */
export async function measureCore(cell: CellKind, kernels: 'ts' | 'wasm', steps: number): Promise<{ trainMs: number[]; trainCpuMs: number[]; infer: number; name: string }> {
  const rng = new Rng(1);
  const model = new RnnModel({ cell, vocabSize: V, hiddenSize: H }, { seed: 1, init: { scheme: 'glorot-uniform' }, kernels });
  const optimizer = new Adam({ lr: 0.002 });
  const params = model.trainables();
  const batches = Array.from({ length: 4 }, () => randomBatch(rng));
  let state = model.initialState(B);
  let i = 0;
  const { wallMs, cpuMs } = await timeSteps(() => {
    const result = model.lossAndGradient(batches[i++ % batches.length]!, state);
    state = result.state;
    clipGradNorm(params, 1);
    optimizer.step(params);
    model.parametersChanged();
  }, steps);
  let s = model.initialState(1);
  const token = new Int32Array(1);
  const n = 400;
  const inferMs = await timeIt(() => {
    for (let k = 0; k < n; k++) {
      token[0] = (k * 7) % V;
      s = model.step(s, token).state;
    }
  }, 3, 1);
  return { trainMs: wallMs, trainCpuMs: cpuMs, infer: inferMs / n, name: model.kernels };
}

export default async function rnnBench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const ours: Record<string, { train: number; infer: number }> = {};
  for (const cell of CELLS) {
    for (const kernels of ['ts', 'wasm'] as const) {
      const m = await measureCore(cell, kernels, kernels === 'ts' ? 6 : 12);
      const { best, median } = bestAndMedian(m.trainCpuMs, B * T);
      const wall = bestAndMedian(m.trainMs, B * T);
      ours[`${cell}/${kernels}`] = { train: best, infer: m.infer };
      const goal = kernels === 'wasm' ? GOALS[cell] : undefined;
      rows.push({
        name: `${cell} train tokens/s (V=${V},H=${H},B=${B},T=${T}), ${m.name} kernels`,
        value: best,
        unit: 'tokens/s',
        ...(goal ? { goal: { op: '>=' as const, value: goal.train } } : {}),
        note: `best step by CPU time; median ${Math.round(median)}; wall best ${Math.round(wall.best)} median ${Math.round(wall.median)}; ${((best * trainFlopsPerToken(cell, V, H)) / 1e9).toFixed(1)} GFLOP/s; forward + BPTT + clip + Adam, float32, 1 thread`,
      });
      rows.push({
        name: `${cell} inference ms/token (batch 1, stateful, H=${H}), ${m.name} kernels`,
        value: m.infer,
        unit: 'ms/token',
        ...(goal ? { goal: { op: '<=' as const, value: goal.infer } } : {}),
        note: 'step(): one-hot gather + h·W_h + head',
      });
    }
  }
  const torch = torchFigures(V, H, B, T);
  if (typeof torch === 'string') {
    rows.push({ name: 'pytorch comparison', value: 0, unit: 'skipped', note: torch });
    return rows;
  }
  for (const cell of CELLS) {
    const t = torch[cell];
    const o = ours[`${cell}/wasm`]!;
    if (t === undefined) continue;
    const tt = bestAndMedian(t.trainCpuMs, B * T).best;
    rows.push({ name: `${cell} train speed ours (wasm)/pytorch`, value: o.train / tt, unit: 'x', note: `pytorch ${Math.round(tt)} tokens/s, best step by CPU time (1 thread; its GRU is linear_before_reset=1)` });
    rows.push({ name: `${cell} inference time ours (wasm)/pytorch`, value: o.infer / t.inferMs, unit: 'x', note: `pytorch ${t.inferMs.toFixed(3)} ms/token (1 thread)` });
  }
  return rows;
}
