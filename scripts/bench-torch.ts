/**
 * PyTorch on one CPU thread as the yardstick of the RNN benchmarks: the same
 * character LM shapes (one-hot input, Adam, clipping), run by the first Python
 * that imports torch (SEQLM_PYTHON, `python3` on PATH, then Debian's
 * /usr/bin/python3, since a pyenv python3 on PATH hides Debian's python3-torch).
 * Steps are timed one by one so callers can report best and median, as they
 * do for their own paths on this shared, noisy machine. Debian's torch calls
 * whatever libblas.so.3 the system selects: with only the reference BLAS
 * (libblas3) its GEMM runs ~1.5 GFLOP/s; point LD_LIBRARY_PATH at OpenBLAS's
 * libblas.so.3 (e.g. from libopenblas0-pthread) to compare against a real one.
 */
import { spawnSync } from 'node:child_process';

export type TorchCell = 'rnn' | 'gru' | 'lstm';

/** PyTorch's dense GEMM speed here (256×1120 · 1120×768, one thread): a BLAS far below the wasm kernels' ~30 means the ratios compare against a crippled PyTorch. */
export interface TorchSetup {
  gemmGflops: number;
  blas: string;
}

export interface TorchFigures {
  /** Training step times in ms, sorted ascending: wall clock, and this process's CPU time (robust to other jobs sharing the cores). */
  trainMs: number[];
  trainCpuMs: number[];
  /** Batch-1 stateful generation, ms per token. */
  inferMs: number;
}

function script(V: number, H: number, B: number, T: number, steps: number, cells: readonly TorchCell[]): string {
  return `
import json, time, torch
torch.set_num_threads(1)
V, H, B, T = ${V}, ${H}, ${B}, ${T}
out = {}
for cell in ${JSON.stringify(cells)}:
    torch.manual_seed(0)
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
    for _ in range(3): train()
    times = []; cpu = []
    for _ in range(${steps}):
        t0 = time.perf_counter(); c0 = time.process_time(); train()
        cpu.append((time.process_time() - c0) * 1000); times.append((time.perf_counter() - t0) * 1000)
    with torch.no_grad():
        x = torch.zeros(1, 1, V); x[0, 0, 3] = 1
        state = None
        for _ in range(20): _, state = rnn(x, state)
        t0 = time.perf_counter(); n = 400
        for _ in range(n):
            y, state = rnn(x, state); head(y)
        infer = (time.perf_counter() - t0) * 1000 / n
    out[cell] = {'trainMs': sorted(times), 'trainCpuMs': sorted(cpu), 'inferMs': infer}
a = torch.randn(256, 1120); b = torch.randn(1120, 768)
for _ in range(3): a @ b
t0 = time.perf_counter(); n = 20
for _ in range(n): a @ b
gemm = 2 * 256 * 1120 * 768 * n / (time.perf_counter() - t0) / 1e9
import re
blas = (re.search(r'BLAS_INFO=([^,]*)', torch.__config__.show()) or [None, '?'])[1]
out['setup'] = {'gemmGflops': gemm, 'blas': blas}
print(json.dumps(out))
`;
}

/** The first Python that imports torch, or null. */
export function torchPython(): string | null {
  const candidates = [process.env.SEQLM_PYTHON, 'python3', '/usr/bin/python3'].filter((c): c is string => c !== undefined && c !== '');
  return candidates.find((py) => spawnSync(py, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0) ?? null;
}

/** PyTorch's figures per cell, or a reason why there are none. */
export function torchFigures(
  V: number,
  H: number,
  B: number,
  T: number,
  steps = 12,
  cells: readonly TorchCell[] = ['rnn', 'gru', 'lstm'],
): (Partial<Record<TorchCell, TorchFigures>> & { setup: TorchSetup }) | string {
  const python = torchPython();
  if (python === null) return 'python3-torch is not importable';
  const run = spawnSync(python, ['-c', script(V, H, B, T, steps, cells)], { encoding: 'utf8', timeout: 900_000, env: { ...process.env, OMP_NUM_THREADS: '1' } });
  if (run.status !== 0) return `pytorch comparison failed: ${run.stderr.trim().split('\n').at(-1) ?? ''}`;
  return JSON.parse(run.stdout.trim().split('\n').at(-1) ?? 'null') as Partial<Record<TorchCell, TorchFigures>> & { setup: TorchSetup };
}

/** Best and median of sorted step times, as tokens/s for `tokensPerStep`. */
export function bestAndMedian(sortedMs: readonly number[], tokensPerStep: number): { best: number; median: number } {
  const best = sortedMs[0] ?? NaN;
  const median = sortedMs[Math.floor(sortedMs.length / 2)] ?? NaN;
  return { best: tokensPerStep / (best / 1000), median: tokensPerStep / (median / 1000) };
}

/**
 * Matrix-product FLOPs of one training token (forward + BPTT) of a one-layer
 * one-hot LM with G gate blocks: h·W_h, its two gradients (∂h and ∂W_h), and
 * the head's three products, 6·H·G·H + 6·H·V. The one-hot input is a row
 * gather, not a product, so it is not counted (PyTorch does multiply it).
 */
export function trainFlopsPerToken(cell: TorchCell, V: number, H: number): number {
  const G = cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
  return 6 * H * G * H + 6 * H * V;
}

/**
 * Times `step` `steps` times after `warmup` calls: sorted wall-clock and
 * process-CPU milliseconds per step. On a machine shared with other jobs the
 * CPU time is what one free core would take; wall time includes the waiting.
 */
export async function timeSteps(step: () => unknown, steps: number, warmup = 2): Promise<{ wallMs: number[]; cpuMs: number[] }> {
  for (let i = 0; i < warmup; i++) await step();
  const wallMs: number[] = [];
  const cpuMs: number[] = [];
  for (let i = 0; i < steps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await step();
    wallMs.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpuMs.push((c.user + c.system) / 1000);
  }
  const up = (a: number, b: number): number => a - b;
  return { wallMs: wallMs.sort(up), cpuMs: cpuMs.sort(up) };
}
