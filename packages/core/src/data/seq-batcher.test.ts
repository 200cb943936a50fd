import { describe, expect, it } from 'vitest';
import { SeqlmError } from '../errors/index.ts';
import { Rng } from '../random/index.ts';
import { SeqBatcher, epochSeed, type SeqBatch } from './seq-batcher.ts';

/** A corpus whose value at position p is p, so a batch shows where it was cut from. */
const arange = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

/** A corpus of seeded random ids, so equal slices cannot happen by coincidence of position arithmetic. */
function randomIds(n: number, seed: number): Int32Array {
  const rng = new Rng(seed);
  return Int32Array.from({ length: n }, () => rng.int(1000));
}

const row = (batch: SeqBatch, which: 'X' | 'Y', j: number) => Array.from(batch[which].subarray(j * batch.numSteps, (j + 1) * batch.numSteps));
const slice = (corpus: Int32Array, p: number, n: number) => Array.from(corpus.subarray(p, p + n));

function expectCode(fn: () => unknown, code: string): void {
  try {
    fn();
    expect.unreachable('did not throw');
  } catch (e) {
    expect(e).toBeInstanceOf(SeqlmError);
    expect((e as SeqlmError).code).toBe(code);
  }
}

describe('SeqBatcher sequential partitioning (D2L seq_data_iter_sequential)', () => {
  const B = 4;
  const T = 7;

  it('matches D2L: Xs = corpus[offset : offset+numTokens] reshaped to [B, -1], batch i = columns [iT, (i+1)T)', () => {
    const corpus = randomIds(503, 1);
    const batcher = new SeqBatcher(corpus, { batchSize: B, numSteps: T, sampling: 'sequential' });
    for (let epoch = 0; epoch < 10; epoch++) {
      const plan = batcher.epoch({ seed: 3, epoch });
      const { offset } = plan;
      const numTokens = Math.floor((corpus.length - offset - 1) / B) * B;
      const cols = numTokens / B;
      const Xs = corpus.slice(offset, offset + numTokens);
      const Ys = corpus.slice(offset + 1, offset + 1 + numTokens);
      expect(plan.numBatches).toBe(Math.floor(cols / T));
      const batches = [...plan];
      expect(batches).toHaveLength(plan.numBatches);
      batches.forEach((batch, i) => {
        expect(batch.batchSize).toBe(B);
        expect(batch.numSteps).toBe(T);
        expect(batch.X).toHaveLength(B * T);
        for (let j = 0; j < B; j++) {
          expect(row(batch, 'X', j)).toEqual(Array.from(Xs.subarray(j * cols + i * T, j * cols + (i + 1) * T)));
          expect(row(batch, 'Y', j)).toEqual(Array.from(Ys.subarray(j * cols + i * T, j * cols + (i + 1) * T)));
        }
      });
    }
  });

  it('continues each row: row j of batch i+1 starts where row j of batch i ended, and equals the corpus slice', () => {
    const corpus = randomIds(1000, 2);
    const batcher = new SeqBatcher(corpus, { batchSize: B, numSteps: T, sampling: 'sequential' });
    const plan = batcher.epoch({ seed: 11, epoch: 0 });
    expect(plan.numBatches).toBeGreaterThan(2);
    for (let i = 0; i + 1 < plan.numBatches; i++) {
      const now = plan.rowStarts(i);
      const next = plan.rowStarts(i + 1);
      const batch = plan.batch(i);
      const after = plan.batch(i + 1);
      for (let j = 0; j < B; j++) {
        expect(next[j]).toBe((now[j] as number) + T);
        expect(row(batch, 'X', j)).toEqual(slice(corpus, now[j] as number, T));
        expect(row(after, 'X', j)).toEqual(slice(corpus, (now[j] as number) + T, T));
        expect(row(batch, 'Y', j)).toEqual(slice(corpus, (now[j] as number) + 1, T));
      }
    }
  });

  it('on a positional corpus, the last X of a row plus one is the first X of the same row next batch', () => {
    const batcher = new SeqBatcher(arange(300), { batchSize: 3, numSteps: 5, sampling: 'sequential' });
    const batches = [...batcher.epoch({ seed: 5, epoch: 2 })];
    for (let i = 0; i + 1 < batches.length; i++) {
      for (let j = 0; j < 3; j++) {
        expect(row(batches[i + 1] as SeqBatch, 'X', j)[0]).toBe((row(batches[i] as SeqBatch, 'X', j)[4] as number) + 1);
      }
    }
  });
});

describe('SeqBatcher random sampling (D2L seq_data_iter_random)', () => {
  it('uses each corpus position at most once per epoch; Y is X shifted by one; X is a corpus slice', () => {
    const B = 3;
    const T = 5;
    const positional = new SeqBatcher(arange(211), { batchSize: B, numSteps: T, sampling: 'random' });
    const corpus = randomIds(211, 4);
    const byId = new SeqBatcher(corpus, { batchSize: B, numSteps: T, sampling: 'random' });
    for (let epoch = 0; epoch < 8; epoch++) {
      const key = { seed: 9, epoch };
      const plan = positional.epoch(key);
      const idPlan = byId.epoch(key);
      const numSubseqs = Math.floor((211 - plan.offset - 1) / T);
      expect(plan.numBatches).toBe(Math.floor(numSubseqs / B));
      const seen = new Set<number>();
      for (let i = 0; i < plan.numBatches; i++) {
        const batch = plan.batch(i);
        const idBatch = idPlan.batch(i);
        const starts = idPlan.rowStarts(i);
        for (let j = 0; j < B; j++) {
          const x = row(batch, 'X', j);
          const y = row(batch, 'Y', j);
          const start = x[0] as number;
          // D2L's subsequences begin at offset + k·T.
          expect((start - plan.offset) % T).toBe(0);
          expect(start + T).toBeLessThanOrEqual(211 - 1);
          for (let t = 0; t < T; t++) {
            expect(x[t]).toBe(start + t);
            expect(y[t]).toBe(start + t + 1);
            expect(seen.has(start + t)).toBe(false);
            seen.add(start + t);
          }
          expect(row(idBatch, 'X', j)).toEqual(slice(corpus, starts[j] as number, T));
          expect(row(idBatch, 'Y', j)).toEqual(slice(corpus, (starts[j] as number) + 1, T));
          expect(row(idBatch, 'Y', j).slice(0, T - 1)).toEqual(row(idBatch, 'X', j).slice(1));
        }
      }
      expect(seen.size).toBe(plan.numBatches * B * T);
    }
  });

  it('shuffles: subsequences do not come out in corpus order', () => {
    const plan = new SeqBatcher(arange(2000), { batchSize: 2, numSteps: 10, sampling: 'random' }).epoch({ seed: 1, epoch: 0 });
    const firsts = Array.from({ length: plan.numBatches }, (_, i) => plan.rowStarts(i)[0] as number);
    const sorted = [...firsts].sort((a, b) => a - b);
    expect(firsts).not.toEqual(sorted);
  });
});

describe('SeqBatcher plans', () => {
  const corpus = randomIds(800, 7);
  const options = { batchSize: 4, numSteps: 6 } as const;

  for (const sampling of ['random', 'sequential'] as const) {
    it(`${sampling}: same {seed, epoch} gives the same batches, another seed or epoch different ones`, () => {
      const batcher = new SeqBatcher(corpus, { ...options, sampling });
      const again = new SeqBatcher(corpus, { ...options, sampling });
      const run = (b: SeqBatcher, seed: number, epoch: number) => [...b.epoch({ seed, epoch })].map((x) => Array.from(x.X).concat(Array.from(x.Y)));
      expect(run(again, 42, 3)).toEqual(run(batcher, 42, 3));
      // Any two of several seeds may share an offset (1 in 6) for sequential; all five cannot.
      const others = [43, 44, 45, 46, 47].map((seed) => JSON.stringify(run(batcher, seed, 3)));
      expect(others.some((o) => o !== JSON.stringify(run(batcher, 42, 3)))).toBe(true);
      const epochs = [4, 5, 6, 7, 8].map((epoch) => JSON.stringify(run(batcher, 42, epoch)));
      expect(epochs.some((o) => o !== JSON.stringify(run(batcher, 42, 3)))).toBe(true);
      if (sampling === 'random') expect(run(batcher, 43, 3)).not.toEqual(run(batcher, 42, 3));
    });

    it(`${sampling}: resumes mid-epoch from {seed, epoch, batch index}`, () => {
      const batcher = new SeqBatcher(corpus, { ...options, sampling });
      const full = [...batcher.epoch({ seed: 8, epoch: 5 })];
      const resumed = [...new SeqBatcher(corpus, { ...options, sampling }).epoch({ seed: 8, epoch: 5 }).batches(3)];
      expect(resumed).toEqual(full.slice(3));
      expect([...batcher.epoch({ seed: 8, epoch: 5 }).batches(full.length)]).toEqual([]);
    });

    it(`${sampling}: an Rng source gives the same plan from the same state`, () => {
      const batcher = new SeqBatcher(corpus, { ...options, sampling });
      const rng = new Rng(123);
      const state = rng.state;
      const a = [...batcher.epoch(rng)];
      const b = [...batcher.epoch(Rng.fromState(state))];
      expect(b).toEqual(a);
    });

    it(`${sampling}: offsets cover exactly [0, numSteps) over many epochs, batch counts within [minBatches, maxBatches]`, () => {
      const batcher = new SeqBatcher(corpus, { ...options, sampling });
      const offsets = new Set<number>();
      for (let epoch = 0; epoch < 200; epoch++) {
        const plan = batcher.epoch({ seed: 1, epoch });
        offsets.add(plan.offset);
        expect(plan.numBatches).toBeGreaterThanOrEqual(batcher.minBatches);
        expect(plan.numBatches).toBeLessThanOrEqual(batcher.maxBatches);
      }
      expect([...offsets].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5]);
    });
  }

  it('accepts the shortest corpus batchSize·numSteps + numSteps, with one batch at the worst offset', () => {
    for (const sampling of ['random', 'sequential'] as const) {
      const batcher = new SeqBatcher(arange(4 * 6 + 6), { ...options, sampling });
      expect(batcher.minBatches).toBe(1);
      expect(batcher.numBatchesAt(5)).toBe(1);
      // 4·6 + 6 - 0 - 1 = 29 usable: random 29/6 = 4 subsequences → 1 batch; sequential 29/4 = 7 columns → 1 batch.
      expect(batcher.maxBatches).toBe(1);
    }
  });

  it('rejects a corpus that is too short with CORPUS_TOO_SHORT', () => {
    for (const sampling of ['random', 'sequential'] as const) {
      expectCode(() => new SeqBatcher(arange(4 * 6 + 5), { ...options, sampling }), 'CORPUS_TOO_SHORT');
      expectCode(() => new SeqBatcher(new Int32Array(0), { ...options, sampling }), 'CORPUS_TOO_SHORT');
    }
  });

  it('rejects invalid arguments with INVALID_ARGUMENT', () => {
    const ok = arange(1000);
    expectCode(() => new SeqBatcher(ok, { batchSize: 0, numSteps: 5, sampling: 'random' }), 'INVALID_ARGUMENT');
    expectCode(() => new SeqBatcher(ok, { batchSize: 2, numSteps: 1.5, sampling: 'random' }), 'INVALID_ARGUMENT');
    expectCode(() => new SeqBatcher(ok, { batchSize: 2, numSteps: Number.NaN, sampling: 'random' }), 'INVALID_ARGUMENT');
    expectCode(() => new SeqBatcher(ok, { batchSize: 2, numSteps: 5, sampling: 'shuffle' as 'random' }), 'INVALID_ARGUMENT');
    expectCode(() => new SeqBatcher([1, 2, 3] as unknown as Int32Array, { batchSize: 1, numSteps: 1, sampling: 'random' }), 'INVALID_ARGUMENT');
    const batcher = new SeqBatcher(ok, { batchSize: 2, numSteps: 5, sampling: 'random' });
    expectCode(() => batcher.epoch({ seed: 1, epoch: -1 }), 'INVALID_ARGUMENT');
    expectCode(() => batcher.epoch({ seed: 1.5, epoch: 0 }), 'INVALID_ARGUMENT');
    expectCode(() => batcher.numBatchesAt(5), 'INVALID_ARGUMENT');
    const plan = batcher.epoch({ seed: 1, epoch: 0 });
    expectCode(() => plan.batch(plan.numBatches), 'INVALID_ARGUMENT');
    expectCode(() => plan.batch(-1), 'INVALID_ARGUMENT');
    expectCode(() => plan.batches(plan.numBatches + 1).next(), 'INVALID_ARGUMENT');
  });
});

describe('epochSeed', () => {
  it('is a deterministic 32-bit seed that differs across epochs and seeds', () => {
    expect(epochSeed(1, 0)).toBe(epochSeed(1, 0));
    const seeds = new Set<number>();
    for (let seed = 0; seed < 20; seed++) for (let epoch = 0; epoch < 20; epoch++) seeds.add(epochSeed(seed, epoch));
    expect(seeds.size).toBe(400);
    for (const s of seeds) expect(Number.isInteger(s) && s >= 0 && s < 2 ** 32).toBe(true);
  });
});
