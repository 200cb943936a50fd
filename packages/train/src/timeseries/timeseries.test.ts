import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../tfjs/backend.ts';
import { feedbackPredictions, kStepPredictions, mse, type WindowPredictor } from './forecast.ts';
import { runTimeseries } from './run.ts';
import { runCli } from '../lm/lm.test-util.ts';
import { withTempDir } from '../testing.test-util.ts';

/** Predicts the last value of each window (persistence), so every prediction can be written down by hand. */
const lastValue = (tau: number): WindowPredictor => ({
  tau,
  predict: (features, n) => Float32Array.from({ length: n }, (_, j) => features[j * tau + tau - 1]!),
});

/** Predicts the window's sum. */
const windowSum = (tau: number): WindowPredictor => ({
  tau,
  predict: (features, n) => Float32Array.from({ length: n }, (_, j) => features.subarray(j * tau, (j + 1) * tau).reduce((a, b) => a + b, 0)),
});

describe('kStepPredictions', () => {
  it('feeds predictions back: persistence repeats the last observation at every horizon', () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8];
    const { rows, columns } = kStepPredictions(lastValue(2), x, 3);
    expect(rows).toBe(8 - 2 - 3 + 1);
    // Row j's observations end at x[j + 1]; every k-step prediction is that value.
    for (const column of columns) expect(Array.from(column)).toEqual([2, 3, 4, 5]);
  });

  it('uses earlier predictions as inputs (sum of the previous two)', () => {
    const x = [1, 1, 0, 0, 0];
    const { columns } = kStepPredictions(windowSum(2), x, 3);
    // Fibonacci from (1, 1): 2, 3, 5 for row 0.
    expect(columns.map((c) => c[0])).toEqual([2, 3, 5]);
  });
});

describe('feedbackPredictions', () => {
  it('continues from observations, then from its own outputs', () => {
    expect(Array.from(feedbackPredictions(windowSum(2), [1, 1, 9, 9, 9], 2))).toEqual([2, 3, 5]);
  });
});

describe('mse', () => {
  it('is the mean of squared differences', () => {
    expect(mse([1, 2, 3], [1, 4, 0])).toBeCloseTo((0 + 4 + 9) / 3, 12);
  });
});

describe('D2L 9.1 with the MLP', () => {
  it('gets k-step MSE increasing in k for k = 1, 4, 16, 64', async () => {
    await selectBackend('wasm');
    const r = runTimeseries();
    try {
      const errors = r.kStep.map((s) => s.mse);
      expect(r.kStep.map((s) => s.k)).toEqual([1, 4, 16, 64]);
      for (let i = 1; i < errors.length; i++) expect(errors[i]!).toBeGreaterThan(errors[i - 1]!);
      // 1-step predictions cannot beat the noise (variance 0.2² = 0.04) by much, and are far better than the signal's variance (~0.5).
      expect(r.oneStepTestMse).toBeGreaterThan(0.03);
      expect(r.oneStepTestMse).toBeLessThan(0.1);
      expect(r.trainLoss.at(-1)!).toBeLessThan(r.trainLoss[0]!);
    } finally {
      r.model.dispose();
    }
  });

  it('says which steps each MSE scores, so the two 1-step MSEs of the table are told apart', async () => {
    const r = await runCli(['timeseries', '--backend', 'wasm']);
    expect(r.code).toBe(0);
    const json = JSON.parse((await runCli(['timeseries', '--json', '--backend', 'wasm'])).stdout) as { kStep: { k: number; mse: number }[] };
    const lines = r.stdout.split('\n');
    // D2L's defaults: T = 1000, tau = 4, 600 training windows, k up to 64 leaves 933 windows for the k-step block.
    expect(lines).toContain(`1-step, training windows (t = 4..603)       ${lines.find((l) => l.startsWith('1-step, training'))!.slice(44)}`);
    expect(lines.some((l) => l.startsWith('1-step, held-out windows (t = 604..999) '))).toBe(true);
    expect(lines).toContain('k-step ahead on the same 933 windows for every k (1-step targets t = 4..936),');
    expect(lines).toContain('training and held-out together: its 1-step MSE differs from both 1-step rows above');
    const oneStepRow = lines.find((l) => l.startsWith('  1-step '))!;
    expect(Number(oneStepRow.slice(44))).toBeCloseTo(json.kStep[0]!.mse, 4);
  });

  it('prints the MSE table from the CLI and refuses bad steps', async () => {
    const r = await runCli(['timeseries', '--json', '--backend', 'wasm']);
    expect(r.code).toBe(0);
    const table = JSON.parse(r.stdout) as { kStep: { k: number; mse: number }[] };
    expect(table.kStep.map((s) => s.k)).toEqual([1, 4, 16, 64]);
    const bad = await runCli(['timeseries', '--steps', '1,x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--steps must be positive integers/);
    // Sizes that used to compute for minutes without output are refused at once, with the bound --help states.
    const cases: [string[], string][] = [
      [['--T', '1000000000'], '--T must be at most 100000 (got 1000000000)'],
      [['--tau', '5000'], '--tau must be at most 1024 (got 5000)'],
      [['--hidden', '100000000'], '--hidden must be at most 4096 (got 100000000)'],
      [['--steps', '1,4,5000'], '--steps must be at most 1000 (got 5000)'],
    ];
    for (const [flags, message] of cases) {
      const r = await runCli(['timeseries', ...flags]);
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.stderr).toBe(`seqlm: error: ${message}\n`);
    }
    const help = (await runCli(['timeseries', '--help'])).stdout.replace(/\s+/g, ' ');
    for (const bound of ['Length of the series, at most 100000', 'Past values per feature window, at most 1024', 'Hidden units of the MLP, at most 4096', 'each at most 1000']) {
      expect(help).toContain(bound);
    }
  });

  it('stops a diverging fit with one error line and exit 1, writing no model', async () => {
    await withTempDir(async (dir) => {
      const out = join(dir, 'model');
      // Adam with η = 1e30 moves every weight by ~1e30 per step: the squared error overflows float32.
      const r = await runCli(['timeseries', '--lr', '1e30', '--epochs', '1', '--backend', 'wasm', '--out', out]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^seqlm: error: training diverged: [^\n]+ Try a lower --lr\.\n$/);
      expect(existsSync(join(out, 'manifest.json'))).toBe(false);
      const table = await runCli(['timeseries', '--lr', '1e30', '--epochs', '1', '--backend', 'wasm', '--json']);
      expect(table.code).toBe(1);
      expect(table.stdout).toBe('');
      expect(table.stderr).toMatch(/^seqlm: error: training diverged: /);
    });
  });
});
