import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { isSeqlmError } from '@seqlm/core/errors';
import { selectBackend } from './backend.ts';

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('selectBackend', () => {
  it('auto picks tfjs-node when its binding loads, else wasm, and says why it skipped node', async () => {
    const info = await selectBackend('auto');
    expect(['node', 'wasm']).toContain(info.kind);
    expect(tf.getBackend()).toBe(info.tfjsName);
    if (info.kind === 'wasm') {
      expect(info.skipped.map((s) => s.kind)).toEqual(['node']);
      expect(info.label).toMatch(/^tfjs-wasm/);
    }
  });

  it('cpu and wasm compute the same product', async () => {
    const a = [1, 2, 3, 4, 5, 6];
    const b = [0.5, -1, 2, 0, 1, 3];
    const results: number[][] = [];
    for (const kind of ['cpu', 'wasm'] as const) {
      const info = await selectBackend(kind);
      expect(info.kind).toBe(kind);
      expect(tf.getBackend()).toBe(kind);
      results.push(Array.from(tf.tidy(() => tf.matMul(tf.tensor2d(a, [2, 3]), tf.tensor2d(b, [3, 2])).dataSync())));
    }
    // [[1,2,3],[4,5,6]] · [[0.5,-1],[2,0],[1,3]] by hand.
    expect(results).toEqual([
      [7.5, 8, 18, 14],
      [7.5, 8, 18, 14],
    ]);
  });

  it('refuses an explicit backend that cannot load instead of falling back', async () => {
    const probe = await selectBackend('auto');
    if (probe.kind === 'node') return; // tfjs-node is installed here: nothing to refuse.
    const error = await failure(selectBackend('node'));
    expect(isSeqlmError(error) && error.code).toBe('UNSUPPORTED');
    expect((error as Error).message).toMatch(/backend "node"/);
  });

  it('refuses an unknown choice', async () => {
    const error = await failure(selectBackend('gpu' as never));
    expect(isSeqlmError(error) && error.code).toBe('INVALID_ARGUMENT');
  });
});
