/**
 * One table, one run: training throughput of every engine seqlm can train
 * with, beside PyTorch on one thread, at D2L's character setting (V = 28,
 * H = 256, B = 32, T = 35, Adam + clipping): core's TypeScript reference,
 * core's WebAssembly SIMD kernels on one and on two threads, and
 * TensorFlow.js wasm. PyTorch runs right after our paths of each cell.
 *
 * The machine is shared, so one-thread figures are per step of this
 * process's CPU time (what a free core takes; wall-clock best and median are
 * in the note), PyTorch's likewise (time.process_time). Two threads can only
 * be judged by wall clock, so that row is wall time against PyTorch's CPU
 * time, and it is only meaningful when two cores are actually free.
 * GFLOP/s counts the matrix products only (6·H·G·H + 6·H·V per token).
 */
import type { BenchRow } from '../../../scripts/bench-kit.ts';
import { bestAndMedian, timeSteps, torchFigures, trainFlopsPerToken } from '../../../scripts/bench-torch.ts';
import { measureCore } from '../../core/bench/rnn.bench.ts';
import { Rng } from '@seqlm/core/random';
import type { CellKind } from '@seqlm/core/rnn';
import { CoreEngine } from '../src/lm/core-engine.ts';
import { selectBackend } from '../src/tfjs/backend.ts';
import { tfjsStepTimes } from './train.bench.ts';

const V = 28;
const H = 256;
const B = 32;
const T = 35;
const CELLS: CellKind[] = ['rnn', 'gru', 'lstm'];
/** The goals: one thread at ≥ 0.3× PyTorch (one thread), both cores at ≥ 0.5×. */
const ONE_THREAD_GOAL = 0.3;
const TWO_THREAD_GOAL = 0.5;

interface Times {
  wallMs: number[];
  /** Null where CPU time would sum two threads. */
  cpuMs: number[] | null;
}

/** Core's engine on two threads (this one and a worker, half the batch rows each), Adam + clip. */
async function twoThreads(cell: CellKind, steps: number): Promise<Times> {
  const engine = new CoreEngine({ model: { cell, vocabSize: V, hiddenSize: H }, seed: 1, init: { scheme: 'glorot-uniform' }, optimizer: { kind: 'adam', lr: 0.002 } }, 'wasm', 2);
  try {
    const rng = new Rng(1);
    const X = new Int32Array(B * T).map(() => rng.int(V));
    const Y = new Int32Array(B * T).map(() => rng.int(V));
    const { wallMs } = await timeSteps(() => engine.step({ X, Y, batchSize: B, numSteps: T }, { clip: 1, dropout: 0 }), steps);
    return { wallMs, cpuMs: null };
  } finally {
    engine.dispose();
  }
}

const gflops = (tokensPerSecond: number, flops: number): string => `${((tokensPerSecond * flops) / 1e9).toFixed(1)} GFLOP/s`;

export default async (): Promise<BenchRow[]> => {
  const paths: { label: string; times: (cell: CellKind) => Promise<Times> }[] = [
    { label: 'core ts', times: async (cell) => measureCore(cell, 'ts', 6).then((m) => ({ wallMs: m.trainMs, cpuMs: m.trainCpuMs })) },
    { label: 'core wasm 1 thread', times: async (cell) => measureCore(cell, 'wasm', 12).then((m) => ({ wallMs: m.trainMs, cpuMs: m.trainCpuMs })) },
    { label: 'core wasm 2 threads', times: (cell) => twoThreads(cell, 12) },
  ];
  const tfjs = await selectBackend('wasm').catch(() => null);
  if (tfjs !== null) paths.push({ label: tfjs.label, times: (cell) => tfjsStepTimes(cell, 3, 10) });
  const rows: BenchRow[] = [];
  let skipped: string | null = null;
  for (const cell of CELLS) {
    const flops = trainFlopsPerToken(cell, V, H);
    const measured = new Map<string, Times>();
    for (const path of paths) measured.set(path.label, await path.times(cell));
    const torch = torchFigures(V, H, B, T, 12, [cell]);
    let ref: number | null = null;
    if (typeof torch === 'string') {
      skipped = torch;
    } else if (torch[cell] !== undefined) {
      const cpu = bestAndMedian(torch[cell].trainCpuMs, B * T);
      const wall = bestAndMedian(torch[cell].trainMs, B * T);
      ref = cpu.best;
      rows.push({
        name: `${cell} train tokens/s, pytorch 1 thread`,
        value: cpu.best,
        unit: 'tokens/s',
        note: `best step by CPU time, median ${Math.round(cpu.median)}; wall best ${Math.round(wall.best)} median ${Math.round(wall.median)}; ${gflops(cpu.best, flops)}; its BLAS runs a 256×1120×768 GEMM at ${torch.setup.gemmGflops.toFixed(1)} GFLOP/s`,
      });
    }
    for (const path of paths) {
      const t = measured.get(path.label)!;
      const wall = bestAndMedian(t.wallMs, B * T);
      const cpu = t.cpuMs === null ? null : bestAndMedian(t.cpuMs, B * T);
      const value = cpu?.best ?? wall.best;
      const ratio = ref === null ? '' : `; ${(value / ref).toFixed(3)}× pytorch`;
      rows.push({
        name: `${cell} train tokens/s, ${path.label}`,
        value,
        unit: 'tokens/s',
        note:
          (cpu === null ? `best step by wall clock, median ${Math.round(wall.median)}` : `best step by CPU time, median ${Math.round(cpu.median)}; wall best ${Math.round(wall.best)} median ${Math.round(wall.median)}`) +
          `; ${gflops(value, flops)}${ratio}`,
      });
      if (ref !== null && path.label.startsWith('core wasm')) {
        const two = path.label.includes('2 threads');
        rows.push({
          name: `${cell} train speed ${path.label}/pytorch 1 thread`,
          value: value / ref,
          unit: 'x',
          goal: { op: '>=', value: two ? TWO_THREAD_GOAL : ONE_THREAD_GOAL },
          note: `${gflops(value, flops)} vs pytorch ${gflops(ref, flops)}${two ? ' (wall clock against pytorch CPU time: needs two free cores)' : ' (CPU time both)'}`,
        });
      }
    }
  }
  if (skipped !== null) rows.push({ name: 'pytorch comparison', value: 0, unit: 'skipped', note: skipped });
  return rows;
};
