import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '@seqlm/core/random';
import type { TsMlpArchitecture } from '@seqlm/core/manifest';
import { writeExport } from './export-lm.ts';
import { exportTsMlp } from './export-mlp.ts';
import { loadOnnxModelDir } from './load.ts';
import { mlpParameterSpecs, mlpReference } from './mlp-graph.ts';
import { createSession } from './runtime.ts';

const tmp = mkdtempSync(join(tmpdir(), 'seqlm-mlp-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function params(arch: TsMlpArchitecture): Record<string, { shape: number[]; data: Float32Array }> {
  const rng = new Rng(5);
  return Object.fromEntries(
    mlpParameterSpecs(arch).map(({ name, shape }) => [name, { shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniform(-1, 1)) }]),
  );
}

describe('time-series MLP export', () => {
  it.each(['relu', 'tanh'] as const)('%s: onnxruntime matches the reference and the directory loads', async (activation) => {
    const arch: TsMlpArchitecture = { tau: 4, hiddenSizes: [10, 6], activation };
    const exported = await exportTsMlp({ architecture: arch, parameters: params(arch), standardization: { mean: 0.1, std: 2 } });
    expect(exported.maxAbsDiff.web).toBeLessThan(1e-5);
    const dir = join(tmp, activation);
    await writeExport(dir, exported);
    const loaded = await loadOnnxModelDir(dir);
    expect(loaded.manifest.kind).toBe('ts-mlp');
  });

  it('computes y = relu(x W0 + b0) W1 + b1 (checked by hand on a 2-1-1 net)', async () => {
    const arch: TsMlpArchitecture = { tau: 2, hiddenSizes: [1], activation: 'relu' };
    const p = {
      'dense.0.W': { shape: [2, 1], data: Float32Array.of(1, -2) },
      'dense.0.b': { shape: [1], data: Float32Array.of(0.5) },
      'dense.1.W': { shape: [1, 1], data: Float32Array.of(3) },
      'dense.1.b': { shape: [1], data: Float32Array.of(-1) },
    };
    // x = [1, 0]: relu(1 + 0.5) · 3 − 1 = 3.5;  x = [0, 1]: relu(−2 + 0.5) = 0 → −1.
    const x = Float32Array.of(1, 0, 0, 1);
    expect(Array.from(mlpReference(arch, p, x, 2))).toEqual([3.5, -1]);
    const { onnx } = await exportTsMlp({ architecture: arch, parameters: p });
    const session = await createSession('web', onnx);
    const out = await session.run({ x: { dtype: 'float32', data: x, dims: [2, 2] } });
    expect(Array.from(out.y!.data)).toEqual([3.5, -1]);
    await session.release();
  });
});
