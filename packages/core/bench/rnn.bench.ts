/**
 * RNN/GRU/LSTM language-model throughput at the reference size
 * (V = 28, H = 256, B = 32, T = 35, one layer, one-hot input):
 * training tokens/s for forward + BPTT + clipping + Adam, and batch-1
 * stateful generation in ms/token. When Debian's python3-torch is importable,
 * the same shapes run in PyTorch on one thread and the ratio is reported.
 */
import { spawnSync } from 'node:child_process';
import type { BenchRow } from '../../../scripts/bench-kit.ts';
import { timeIt } from '../../../scripts/bench-kit.ts';
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

async function measure(cell: CellKind): Promise<{ train: number; infer: number }> {
  const rng = new Rng(1);
  const model = new RnnModel({ cell, vocabSize: V, hiddenSize: H }, { seed: 1, init: { scheme: 'glorot-uniform' } });
  const optimizer = new Adam({ lr: 0.002 });
  const params = model.trainables();
  const batches = Array.from({ length: 4 }, () => randomBatch(rng));
  let state = model.initialState(B);
  let i = 0;
  const trainMs = await timeIt(() => {
    const result = model.lossAndGradient(batches[i++ % batches.length]!, state);
    state = result.state;
    clipGradNorm(params, 1);
    optimizer.step(params);
  }, 8, 2);
  let s = model.initialState(1);
  const token = new Int32Array(1);
  const steps = 400;
  const inferMs = await timeIt(() => {
    for (let k = 0; k < steps; k++) {
      token[0] = (k * 7) % V;
      s = model.step(s, token).state;
    }
  }, 3, 1);
  return { train: (B * T) / (trainMs / 1000), infer: inferMs / steps };
}

const TORCH_SCRIPT = `
import json, sys, time, torch
torch.set_num_threads(1)
V, H, B, T = ${V}, ${H}, ${B}, ${T}
out = {}
for cell in ['rnn', 'gru', 'lstm']:
    rnn = {'rnn': torch.nn.RNN, 'gru': torch.nn.GRU, 'lstm': torch.nn.LSTM}[cell](V, H)
    head = torch.nn.Linear(H, V)
    params = list(rnn.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=0.002)
    X = torch.nn.functional.one_hot(torch.randint(0, V, (T, B)), V).float()
    Y = torch.randint(0, V, (T * B,))
    def train():
        out_, _ = rnn(X)
        loss = torch.nn.functional.cross_entropy(head(out_).reshape(-1, V), Y)
        opt.zero_grad(); loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0); opt.step()
    for _ in range(2): train()
    t0 = time.perf_counter(); n = 8
    for _ in range(n): train()
    train_tps = B * T * n / (time.perf_counter() - t0)
    with torch.no_grad():
        x = torch.zeros(1, 1, V); x[0, 0, 3] = 1
        state = None
        for _ in range(20): _, state = rnn(x, state)
        t0 = time.perf_counter(); steps = 400
        for _ in range(steps):
            y, state = rnn(x, state); head(y)
        infer = (time.perf_counter() - t0) * 1000 / steps
    out[cell] = {'train': train_tps, 'infer': infer}
print(json.dumps(out))
`;

/** The first Python that imports torch: SEQLM_PYTHON, the one on PATH, then Debian's (a pyenv python3 on PATH hides it). */
export function torchPython(): string | null {
  const candidates = [process.env.SEQLM_PYTHON, 'python3', '/usr/bin/python3'].filter((c): c is string => c !== undefined && c !== '');
  return candidates.find((py) => spawnSync(py, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0) ?? null;
}

function torchFigures(): Record<string, { train: number; infer: number }> | null {
  const python = torchPython();
  if (python === null) return null;
  const run = spawnSync(python, ['-c', TORCH_SCRIPT], { encoding: 'utf8', timeout: 600_000 });
  if (run.status !== 0) {
    console.error(`pytorch comparison failed: ${run.stderr.trim().split('\n').at(-1) ?? ''}`);
    return null;
  }
  return JSON.parse(run.stdout.trim().split('\n').at(-1) ?? 'null') as Record<string, { train: number; infer: number }> | null;
}

export default async function rnnBench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const ours: Partial<Record<CellKind, { train: number; infer: number }>> = {};
  for (const cell of CELLS) {
    const m = await measure(cell);
    ours[cell] = m;
    const goal = GOALS[cell];
    rows.push({
      name: `${cell} train tokens/s (V=${V},H=${H},B=${B},T=${T})`,
      value: m.train,
      unit: 'tokens/s',
      ...(goal ? { goal: { op: '>=' as const, value: goal.train } } : {}),
      note: 'forward + BPTT + clip + Adam, float32, 1 thread',
    });
    rows.push({
      name: `${cell} inference ms/token (batch 1, stateful, H=${H})`,
      value: m.infer,
      unit: 'ms/token',
      ...(goal ? { goal: { op: '<=' as const, value: goal.infer } } : {}),
      note: 'step(): one-hot gather + h·W_h + head',
    });
  }
  const torch = torchFigures();
  if (torch === null) {
    rows.push({ name: 'pytorch comparison', value: 0, unit: 'skipped', note: 'python3-torch is not importable' });
  } else {
    for (const cell of CELLS) {
      const t = torch[cell];
      const o = ours[cell];
      if (!t || !o) continue;
      rows.push({ name: `${cell} train speed ours/pytorch`, value: o.train / t.train, unit: 'x', note: `pytorch ${Math.round(t.train)} tokens/s (1 thread; its GRU is linear_before_reset=1)` });
      rows.push({ name: `${cell} inference time ours/pytorch`, value: o.infer / t.infer, unit: 'x', note: `pytorch ${t.infer.toFixed(3)} ms/token (1 thread)` });
    }
  }
  return rows;
}
