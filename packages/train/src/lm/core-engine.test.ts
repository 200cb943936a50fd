import { describe, expect, it } from 'vitest';
import { Rng } from '@seqlm/core/random';
import type { CellKind } from '@seqlm/core/rnn';
import { CoreEngine } from './core-engine.ts';

const V = 9;
const B = 6;
const T = 5;

/** Four Adam steps on fixed batches, sequential state carried; returns the losses and the final parameters. */
async function run(cell: CellKind, threads: 1 | 2): Promise<{ losses: number[]; params: Map<string, Float32Array> }> {
  const engine = new CoreEngine({ model: { cell, vocabSize: V, hiddenSize: 12 }, seed: 2, init: { scheme: 'glorot-uniform' }, optimizer: { kind: 'adam', lr: 0.01 } }, 'wasm', threads);
  try {
    const rng = new Rng(4);
    const losses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const X = new Int32Array(B * T).map(() => rng.int(V));
      const Y = new Int32Array(B * T).map(() => rng.int(V));
      const r = await engine.step({ X, Y, batchSize: B, numSteps: T }, { clip: 1, dropout: 0 });
      expect(r.finite).toBe(true);
      losses.push(r.loss);
    }
    return { losses, params: new Map([...engine.parameters()].map(([n, t]) => [n, t.data])) };
  } finally {
    engine.dispose();
  }
}

describe('CoreEngine with two threads (data parallel over the batch rows)', () => {
  for (const cell of ['gru', 'lstm'] as const) {
    it(`${cell}: matches one thread to float32 rounding and is reproducible run to run`, async () => {
      const one = await run(cell, 1);
      const two = await run(cell, 2);
      const again = await run(cell, 2);
      one.losses.forEach((l, i) => expect(Math.abs(two.losses[i]! - l) / l).toBeLessThan(1e-5));
      for (const [name, a] of one.params) {
        const b = two.params.get(name)!;
        let d = 0;
        for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
        expect(d, name).toBeLessThan(1e-4);
        expect(Buffer.compare(Buffer.from(b.buffer, b.byteOffset, b.byteLength), Buffer.from(again.params.get(name)!.buffer)), name).toBe(0);
      }
    });
  }
});
