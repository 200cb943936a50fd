/**
 * Training throughput of the TF.js language model: one full step (forward,
 * BPTT by autodiff, global-norm clipping, Adam) on D2L's character setting
 * (V = 28, H = 256, B = 32, T = 35) per cell and per backend that loads here.
 * The cpu backend is two orders of magnitude slower, so it gets fewer steps.
 */
import type { BenchRow } from '../../../scripts/bench-kit.ts';
import { timeSteps } from '../../../scripts/bench-torch.ts';
import { Rng } from '@seqlm/core/random';
import type { CellKind } from '@seqlm/core/rnn';
import { TfRnnModel, type TfState } from '../src/lm/model.ts';
import { TfOptimizer } from '../src/lm/optimizer.ts';
import { disposeState, trainStep } from '../src/lm/train-step.ts';
import { selectBackend, type BackendKind } from '../src/tfjs/backend.ts';

const V = 28;
const H = 256;
const B = 32;
const T = 35;

/** Sorted wall and CPU ms per training step after `warmup` steps. */
export async function tfjsStepTimes(cell: CellKind, warmup: number, steps: number): Promise<{ wallMs: number[]; cpuMs: number[] }> {
  const model = TfRnnModel.create({ cell, vocabSize: V, hiddenSize: H }, { seed: 0 });
  const optimizer = new TfOptimizer({ kind: 'adam', lr: 0.002 });
  const rng = new Rng(1);
  const tokens = Int32Array.from({ length: B * T }, () => rng.int(V));
  const targets = Int32Array.from({ length: B * T }, () => rng.int(V));
  let state: TfState | null = null;
  try {
    return await timeSteps(() => {
      const r = trainStep(model, optimizer, { tokens, targets, B, T }, state, { clip: 1 });
      disposeState(state);
      state = r.state;
    }, steps, warmup);
  } finally {
    disposeState(state);
    optimizer.dispose();
    model.dispose();
  }
}

async function tokensPerSecond(cell: CellKind, warmup: number, steps: number): Promise<number> {
  const { wallMs } = await tfjsStepTimes(cell, warmup, steps);
  return (steps * B * T) / (wallMs.reduce((a, b) => a + b, 0) / 1000);
}

export default async (): Promise<BenchRow[]> => {
  const rows: BenchRow[] = [];
  const auto = await selectBackend('auto');
  const kinds: BackendKind[] = [...new Set<BackendKind>([auto.kind, 'wasm', 'cpu'])];
  for (const kind of kinds) {
    const info = await selectBackend(kind).catch(() => null);
    if (info === null) continue;
    const slow = kind === 'cpu';
    for (const cell of ['rnn', 'gru', 'lstm'] as const) {
      const value = await tokensPerSecond(cell, slow ? 1 : 3, slow ? 2 : 10);
      const isDefault = kind === auto.kind;
      rows.push({
        name: `${cell} train tokens/s (V=${V},H=${H},B=${B},T=${T}) on ${info.label}${isDefault ? ' (default backend)' : ''}`,
        value,
        unit: 'tokens/s',
        ...(cell === 'gru' && isDefault ? { goal: { op: '>=', value: 4000 } } : {}),
        note: `forward + autodiff BPTT + clip + Adam, ${slow ? 2 : 10} steps after warm-up${kind === 'wasm' ? '; matMul gradients transpose explicitly (wasm runs transposed matMul ~10x slower)' : ''}`,
      });
    }
  }
  return rows;
};
