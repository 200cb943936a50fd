import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeqlmError } from '@seqlm/core/errors';
import type { TsMlpManifest } from '@seqlm/core/manifest';
import { sineSeries, windowFeatures } from '@seqlm/core/timeseries';
import { loadOnnxModelDir } from '../onnx/load.ts';
import { createSession } from '../onnx/runtime.ts';
import { selectBackend } from '../tfjs/backend.ts';
import { runCli } from '../lm/lm.test-util.ts';
import { exportTimeseries, mseKey, SERIES_KEYS, seriesSpecOf } from './artifact.ts';
import { runTimeseries, type TimeseriesResult } from './run.ts';

const tmp = mkdtempSync(join(tmpdir(), 'seqlm-ts-artifact-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('seqlm timeseries --out', () => {
  it('exports an ONNX model whose manifest regenerates the series and reproduces the recorded MSE table', async () => {
    const dir = join(tmp, 'sine');
    const args = ['--T', '300', '--train', '200', '--epochs', '2', '--hidden', '6', '--steps', '1,4', '--seed', '3', '--noise', '0.1', '--frequency', '0.02'];
    const r = await runCli(['timeseries', ...args, '--backend', 'wasm', '--json', '--out', dir]);
    expect(r.code, r.stderr).toBe(0);
    const printed = JSON.parse(r.stdout) as { kStep: { k: number; mse: number }[]; exportMaxAbsDiff: Record<string, number> };
    expect(printed.exportMaxAbsDiff.reference).toBeLessThan(1e-5);
    expect(printed.exportMaxAbsDiff.web).toBeLessThan(1e-5);

    const loaded = await loadOnnxModelDir(dir);
    const manifest = loaded.manifest as TsMlpManifest;
    expect(manifest.kind).toBe('ts-mlp');
    expect(manifest.architecture).toEqual({ tau: 4, hiddenSizes: [6], activation: 'relu' });
    expect(seriesSpecOf(manifest)).toEqual({ T: 300, seed: 3, noiseSd: 0.1, frequency: 0.02, numTrain: 200 });
    expect(manifest.training?.trainLoss).toHaveLength(2);
    expect(manifest.training?.corpus).toBe('sine');

    // A consumer with only the manifest: regenerate the series, run the graph on every window,
    // and the 1-step MSE over the k-step table's rows (T − τ − max k + 1 of them) is the one recorded.
    const spec = seriesSpecOf(manifest);
    const { x } = sineSeries(spec);
    const windows = windowFeatures(x, 4);
    const session = await createSession('web', loaded.onnx);
    const y = (await session.run({ x: { dtype: 'float32', data: windows.features, dims: [windows.n, 4] } })).y!.data;
    await session.release();
    const rows = 300 - 4 - 4 + 1;
    let sse = 0;
    for (let j = 0; j < rows; j++) sse += (y[j]! - x[4 + j]!) ** 2;
    const recorded = manifest.training?.hyperparameters?.[mseKey(1)] as number;
    expect(recorded).toBe(printed.kStep[0]!.mse);
    expect(Math.abs(sse / rows / recorded - 1)).toBeLessThan(1e-4);
  });
});

describe('exportTimeseries', () => {
  let result: TimeseriesResult;
  beforeAll(async () => {
    await selectBackend('wasm');
    result = runTimeseries({ T: 120, numTrain: 80, epochs: 1, hidden: 3, steps: [1, 2] });
  });
  afterAll(() => result.model.dispose());

  it('refuses a model whose ONNX export does not reproduce the TF.js predictions', async () => {
    const tampered = { ...result, oneStep: Float32Array.from(result.oneStep, (v, i) => (i === 7 ? v + 0.01 : v)) };
    await expect(exportTimeseries(tampered, { backend: 'test', runtimes: ['web'] })).rejects.toMatchObject({ code: 'EXPORT_MISMATCH' });
    const ok = await exportTimeseries(result, { backend: 'test', runtimes: ['web'] });
    expect(ok.tfjsMaxAbsDiff.web).toBeLessThan(1e-5);
    expect(ok.manifest.training?.createdAt).toBeUndefined();
  });

  it('names the missing series parameter', async () => {
    const { manifest } = await exportTimeseries(result, { backend: 'test', runtimes: ['web'] });
    const hyperparameters = { ...manifest.training!.hyperparameters };
    delete hyperparameters[SERIES_KEYS.noiseSd];
    const broken = { ...manifest, training: { ...manifest.training, hyperparameters } };
    expect(() => seriesSpecOf(broken)).toThrow(SeqlmError);
    expect(() => seriesSpecOf(broken)).toThrow(/series\.noiseSd/);
  });
});
