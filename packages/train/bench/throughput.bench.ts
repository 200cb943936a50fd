/**
 * One table, one run: training throughput of every engine seqlm can train
 * with, beside PyTorch on one thread, at D2L's character setting (V = 28,
 * H = 256, B = 32, T = 35, Adam + clipping): core's TypeScript reference,
 * core's WebAssembly SIMD kernels on one thread, and TensorFlow.js wasm.
 * Per cell: best-step tokens/s (median in the note: the machine is shared),
 * matrix-product GFLOP/s, and the ratio to PyTorch measured in the same run.
 */
import type { BenchRow } from '../../../scripts/bench-kit.ts';
import { bestAndMedian, torchFigures, trainFlopsPerToken } from '../../../scripts/bench-torch.ts';
import { measureCore } from '../../core/bench/rnn.bench.ts';
import type { CellKind } from '@seqlm/core/rnn';
import { Rng } from '@seqlm/core/random';
import { CoreEngine } from '../src/lm/core-engine.ts';
import { selectBackend } from '../src/tfjs/backend.ts';
import { tfjsStepTimes } from './train.bench.ts';

const V = 28;
const H = 256;
const B = 32;
const T = 35;
const CELLS: CellKind[] = ['rnn', 'gru', 'lstm'];
/** The issue's goals: one thread at ≥ 0.3× PyTorch (one thread), both cores at ≥ 0.5×. */
const ONE_THREAD_GOAL = 0.3;
const TWO_THREAD_GOAL = 0.5;

/** Sorted ms per step of core's engine on two threads (this one and a worker, half the batch rows each), Adam + clip. */
async function twoThreadTimes(cell: CellKind, steps: number): Promise<number[]> {
  const engine = new CoreEngine({ model: { cell, vocabSize: V, hiddenSize: H }, seed: 1, init: { scheme: 'glorot-uniform' }, optimizer: { kind: 'adam', lr: 0.002 } }, 'wasm', 2);
  try {
    const rng = new Rng(1);
    const X = new Int32Array(B * T).map(() => rng.int(V));
    const Y = new Int32Array(B * T).map(() => rng.int(V));
    const times: number[] = [];
    for (let i = 0; i < steps + 2; i++) {
      const t0 = performance.now();
      await engine.step({ X, Y, batchSize: B, numSteps: T }, { clip: 1, dropout: 0 });
      if (i >= 2) times.push(performance.now() - t0);
    }
    return times.sort((a, b) => a - b);
  } finally {
    engine.dispose();
  }
}

export default async (): Promise<BenchRow[]> => {
  const paths: { label: string; times: (cell: CellKind) => Promise<number[]> }[] = [
    { label: 'core ts', times: async (cell) => (await measureCore(cell, 'ts', 6)).trainMs },
    { label: 'core wasm 1 thread', times: async (cell) => (await measureCore(cell, 'wasm', 12)).trainMs },
    { label: 'core wasm 2 threads', times: (cell) => twoThreadTimes(cell, 12) },
  ];
  const tfjs = await selectBackend('wasm').catch(() => null);
  if (tfjs !== null) paths.push({ label: tfjs.label, times: async (cell) => tfjsStepTimes(cell, 3, 10) });
  const rows: BenchRow[] = [];
  let skipped: string | null = null;
  for (const cell of CELLS) {
    const measured: Record<string, { best: number; median: number }> = {};
    for (const path of paths) measured[path.label] = bestAndMedian(await path.times(cell), B * T);
    // PyTorch right after our paths for the same cell, so all of a cell's figures share the machine's load of that minute.
    const torch = torchFigures(V, H, B, T, 12, [cell]);
    const figures = typeof torch === 'string' ? undefined : torch[cell];
    if (typeof torch === 'string') skipped = torch;
    const flops = trainFlopsPerToken(cell, V, H);
    const ref = figures === undefined ? null : bestAndMedian(figures.trainMs, B * T);
    if (ref !== null && typeof torch !== 'string') {
      rows.push({
        name: `${cell} train tokens/s, pytorch 1 thread`,
        value: ref.best,
        unit: 'tokens/s',
        note: `median ${Math.round(ref.median)}; ${((ref.best * flops) / 1e9).toFixed(1)} GFLOP/s; its BLAS (${torch.setup.blas}) runs a 256×1120×768 GEMM at ${torch.setup.gemmGflops.toFixed(1)} GFLOP/s`,
      });
    }
    for (const path of paths) {
      const m = measured[path.label]!;
      const gflops = `${((m.best * flops) / 1e9).toFixed(1)} GFLOP/s`;
      rows.push({
        name: `${cell} train tokens/s, ${path.label}`,
        value: m.best,
        unit: 'tokens/s',
        note: `median ${Math.round(m.median)}; ${gflops}${ref === null ? '' : `; ${(m.best / ref.best).toFixed(3)}× pytorch (median ${(m.median / ref.median).toFixed(3)}×)`}`,
      });
      if (ref !== null && path.label.startsWith('core wasm')) {
        rows.push({
          name: `${cell} train speed ${path.label}/pytorch 1 thread`,
          value: m.best / ref.best,
          unit: 'x',
          goal: { op: '>=', value: path.label.includes('2 threads') ? TWO_THREAD_GOAL : ONE_THREAD_GOAL },
          note: `${gflops} vs pytorch ${((ref.best * flops) / 1e9).toFixed(1)} (matrix products only, 6·H·G·H + 6·H·V FLOP/token)`,
        });
      }
    }
  }
  if (skipped !== null) rows.push({ name: 'pytorch comparison', value: 0, unit: 'skipped', note: skipped });
  return rows;
};
