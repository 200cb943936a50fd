import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SeqlmError } from '@seqlm/core/errors';
import { parseManifest, type TsMlpManifest } from '@seqlm/core/manifest';
import { sineSeries } from '@seqlm/core/timeseries';
import { forecastSeries, kStepPredictions, mse, oneStepPredictions, recordedMse, seriesSpecOf, type WindowPredict } from './forecast.ts';

const tsMlpManifest = parseManifest(readFileSync(resolve(import.meta.dirname, '..', '..', '..', '..', 'fixtures', 'models', 'ts-mlp-tiny', 'manifest.json'), 'utf8')) as TsMlpManifest;

/** x̂ = half the last value of the window, recording each batch size it is asked for. */
function halfLast(tau: number): WindowPredict & { batches: number[] } {
  const batches: number[] = [];
  const predict = async (w: Float32Array, n: number) => {
    batches.push(n);
    return Float32Array.from({ length: n }, (_, j) => w[j * tau + tau - 1]! / 2);
  };
  return Object.assign(predict, { batches });
}

/** x̂ = the sum of the window. */
const windowSum = (tau: number): WindowPredict => async (w, n) => Float32Array.from({ length: n }, (_, j) => w.subarray(j * tau, (j + 1) * tau).reduce((a, b) => a + b, 0));

describe('kStepPredictions', () => {
  it('feeds predictions back: halving the last value k times gives x_j / 2^k', async () => {
    const x = [4, 8, 16, 0, 0];
    const predict = halfLast(1);
    const { rows, columns } = await kStepPredictions(predict, x, 1, 2);
    expect(rows).toBe(5 - 1 - 2 + 1);
    // Row j starts from x_j: one step gives x_j / 2, two steps x_j / 4.
    expect(Array.from(columns[0]!)).toEqual([2, 4, 8]);
    expect(Array.from(columns[1]!)).toEqual([1, 2, 4]);
    // One batched run per step, over every starting point.
    expect(predict.batches).toEqual([3, 3]);
  });

  it('mixes observations and earlier predictions in a window (sum of the previous two: Fibonacci)', async () => {
    const { columns } = await kStepPredictions(windowSum(2), [1, 1, 0, 0, 0, 0], 2, 4);
    expect(columns.map((c) => c[0])).toEqual([2, 3, 5, 8]);
  });

  it('refuses a horizon the series is too short for, and a bad k', async () => {
    await expect(kStepPredictions(windowSum(2), [1, 2, 3], 2, 2)).rejects.toMatchObject({ code: 'CORPUS_TOO_SHORT' });
    await expect(kStepPredictions(windowSum(2), [1, 2, 3], 2, 0)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('oneStepPredictions', () => {
  it('predicts x_t from the τ values before it, for t = τ .. T − 1', async () => {
    expect(Array.from(await oneStepPredictions(windowSum(2), [1, 2, 3, 4], 2))).toEqual([3, 5]);
  });

  it('refuses a non-finite or missing prediction', async () => {
    await expect(oneStepPredictions(async () => Float32Array.of(Number.NaN, 1), [1, 2, 3, 4], 2)).rejects.toMatchObject({ code: 'NON_FINITE' });
    await expect(oneStepPredictions(async () => Float32Array.of(1), [1, 2, 3, 4], 2)).rejects.toMatchObject({ code: 'SHAPE_MISMATCH' });
  });
});

describe('forecastSeries', () => {
  it('regenerates the manifest’s sine and scores persistence (x̂ = last value) at every horizon', async () => {
    const tau = tsMlpManifest.architecture.tau;
    const last: WindowPredict = async (w, n) => Float32Array.from({ length: n }, (_, j) => w[j * tau + tau - 1]!);
    const f = await forecastSeries({ manifest: tsMlpManifest, tau, predict: last });
    const { x } = sineSeries({ T: 1000, seed: 0, noiseSd: 0.2, frequency: 0.01 });
    expect(Array.from(f.x)).toEqual(Array.from(x));
    expect(f.rows).toBe(1000 - tau - 64 + 1);
    expect(f.kStep.map((s) => [s.k, s.start])).toEqual([[1, tau], [4, tau + 3], [16, tau + 15], [64, tau + 63]]);
    for (const s of f.kStep) {
      // Persistence predicts x[τ + k − 1 + j] with x[τ − 1 + j], whatever k is.
      let sse = 0;
      for (let j = 0; j < f.rows; j++) sse += (x[tau - 1 + j]! - x[s.start + j]!) ** 2;
      expect(s.mse).toBeCloseTo(sse / f.rows, 12);
    }
    expect(f.oneStep[0]).toBe(x[tau - 1]);
    expect(f.oneStepMse.heldOut).toBeCloseTo(mse(x.subarray(tau - 1 + 600, 999), x.subarray(tau + 600)), 12);
  });
});

describe('seriesSpecOf', () => {
  it('reads what seqlm timeseries records, and names a missing parameter', () => {
    expect(seriesSpecOf(tsMlpManifest)).toEqual({ T: 1000, seed: 0, noiseSd: 0.2, frequency: 0.01, numTrain: 600 });
    expect(recordedMse(tsMlpManifest, 4)).toBeGreaterThan(0);
    expect(recordedMse(tsMlpManifest, 5)).toBeNull();
    const hyperparameters = { ...tsMlpManifest.training!.hyperparameters };
    delete hyperparameters['series.seed'];
    const broken = { ...tsMlpManifest, training: { ...tsMlpManifest.training, hyperparameters } };
    expect(() => seriesSpecOf(broken)).toThrow(SeqlmError);
    expect(() => seriesSpecOf(broken)).toThrow(/series\.seed/);
  });
});
