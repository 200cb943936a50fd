import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TsMlpManifest } from '@seqlm/core/manifest';
import type { FixtureIO } from '../onnx/fixtures.ts';
import { maxAbsDiff } from '../onnx/lm-session.ts';
import { loadOnnxModelDir } from '../onnx/load.ts';
import { mlpReference } from '../onnx/mlp-graph.ts';
import { availableRuntimes, createSession } from '../onnx/runtime.ts';
import { seriesSpecOf } from './artifact.ts';
import { buildTsMlpFixture, TS_MLP_FIXTURE_NAME } from './fixture.ts';

const dir = resolve(import.meta.dirname, '..', '..', '..', '..', 'fixtures', 'models', TS_MLP_FIXTURE_NAME);

describe('golden fixture ts-mlp-tiny', () => {
  it('loads, and its weights and every onnxruntime reproduce io.json', async () => {
    const loaded = await loadOnnxModelDir(dir);
    const manifest = loaded.manifest as TsMlpManifest;
    expect(manifest.kind).toBe('ts-mlp');
    expect(seriesSpecOf(manifest)).toEqual({ T: 1000, seed: 0, noiseSd: 0.2, frequency: 0.01, numTrain: 600 });
    const io = JSON.parse(readFileSync(join(dir, 'io.json'), 'utf8')) as FixtureIO;
    expect(io.cases.length).toBe(2);
    const runtimes = await availableRuntimes();
    const sessions = await Promise.all(runtimes.map((r) => createSession(r, loaded.onnx)));
    for (const c of io.cases) {
      const x = Float32Array.from(c.inputs.x!.data);
      const [B, tau] = c.inputs.x!.shape as [number, number];
      expect(tau).toBe(manifest.architecture.tau);
      const want = c.outputs.y!.data;
      expect(c.outputs.y!.shape).toEqual([B, 1]);
      expect(maxAbsDiff(mlpReference(manifest.architecture, loaded.weights!, x, B), want)).toBeLessThan(io.tolerance);
      for (const session of sessions) {
        const got = await session.run({ x: { dtype: 'float32', data: x, dims: [B, tau] } });
        expect(maxAbsDiff(got.y!.data, want)).toBeLessThan(io.tolerance);
      }
    }
    for (const s of sessions) await s.release();
  });

  it('is what scripts/make-fixtures.ts generates today', async () => {
    for (const [name, data] of await buildTsMlpFixture()) {
      const fresh = Buffer.from(data);
      expect(fresh.equals(readFileSync(join(dir, name))), `${TS_MLP_FIXTURE_NAME}/${name} differs from a fresh build`).toBe(true);
    }
  });
});
