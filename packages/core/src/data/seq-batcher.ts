import { SeqlmError } from '../errors/index.ts';
import { Rng } from '../random/index.ts';

/** D2L's two ways of cutting a corpus into minibatches (9.3.4). */
export const BATCH_SAMPLINGS = ['random', 'sequential'] as const;
export type BatchSampling = (typeof BATCH_SAMPLINGS)[number];

/** One minibatch; `Y` is `X` shifted one token to the right in the corpus. */
export interface SeqBatch {
  /** Token ids, row-major `[batchSize, numSteps]`. */
  X: Int32Array;
  /** Next-token targets, row-major `[batchSize, numSteps]`. */
  Y: Int32Array;
  batchSize: number;
  numSteps: number;
}

export interface SeqBatcherOptions {
  batchSize: number;
  numSteps: number;
  sampling: BatchSampling;
}

/** Names one epoch of a seeded run, so a checkpoint can rebuild the same batches. */
export interface EpochKey {
  seed: number;
  /** 0-based epoch number. */
  epoch: number;
}

export function isBatchSampling(value: unknown): value is BatchSampling {
  return typeof value === 'string' && (BATCH_SAMPLINGS as readonly string[]).includes(value);
}

/**
 * The 32-bit seed of one epoch's Rng, derived from the run seed and the epoch
 * number (murmur3's finaliser), so epoch `e` can be replayed without replaying epochs 0..e-1.
 */
export function epochSeed(seed: number, epoch: number): number {
  if (!Number.isInteger(seed)) throw new SeqlmError('INVALID_ARGUMENT', `seed must be an integer, got ${seed}`, { seed });
  if (!Number.isInteger(epoch) || epoch < 0) {
    throw new SeqlmError('INVALID_ARGUMENT', `epoch must be an integer >= 0, got ${epoch}`, { epoch });
  }
  // `seed % 2^32` keeps seeds above 2^32 distinct from their low bits where the bit ops would wrap them.
  return fmix32((fmix32(seed % 4294967296) + Math.imul(epoch + 1, 0x9e3779b9)) | 0);
}

function fmix32(value: number): number {
  let h = value | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Cuts an id corpus into `[batchSize, numSteps]` minibatches exactly as D2L's
 * `seq_data_iter_random` and `seq_data_iter_sequential` do, one seeded plan per epoch.
 *
 * Every epoch starts from a random offset in [0, numSteps), so the corpus must
 * hold at least `batchSize·numSteps + numSteps` tokens for every epoch to have a batch.
 */
export class SeqBatcher {
  readonly corpus: Int32Array;
  readonly batchSize: number;
  readonly numSteps: number;
  readonly sampling: BatchSampling;

  constructor(corpus: Int32Array, options: SeqBatcherOptions) {
    if (!(corpus instanceof Int32Array)) {
      throw new SeqlmError('INVALID_ARGUMENT', 'corpus must be an Int32Array of token ids');
    }
    const { batchSize, numSteps, sampling } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new SeqlmError('INVALID_ARGUMENT', `batchSize must be an integer >= 1, got ${batchSize}`, { batchSize });
    }
    if (!Number.isInteger(numSteps) || numSteps < 1) {
      throw new SeqlmError('INVALID_ARGUMENT', `numSteps must be an integer >= 1, got ${numSteps}`, { numSteps });
    }
    if (!isBatchSampling(sampling)) {
      throw new SeqlmError('INVALID_ARGUMENT', `unknown sampling "${String(sampling)}"; expected one of ${BATCH_SAMPLINGS.join(', ')}`);
    }
    const needed = batchSize * numSteps + numSteps;
    if (corpus.length < needed) {
      throw new SeqlmError(
        'CORPUS_TOO_SHORT',
        `corpus has ${corpus.length} tokens; batchSize ${batchSize} × numSteps ${numSteps} needs at least ${needed} (one batch plus the random offset and the shifted target)`,
        { length: corpus.length, needed, batchSize, numSteps },
      );
    }
    this.corpus = corpus;
    this.batchSize = batchSize;
    this.numSteps = numSteps;
    this.sampling = sampling;
  }

  /** Batches in an epoch that starts at `offset` (D2L: `num_subseqs // batch_size` or `Xs.shape[1] // num_steps`). */
  numBatchesAt(offset: number): number {
    this.#checkOffset(offset);
    const B = this.batchSize;
    const T = this.numSteps;
    const usable = this.corpus.length - offset - 1;
    return this.sampling === 'random' ? Math.floor(Math.floor(usable / T) / B) : Math.floor(Math.floor(usable / B) / T);
  }

  /** Fewest batches any epoch has (its offset is numSteps - 1); at least 1. */
  get minBatches(): number {
    return this.numBatchesAt(this.numSteps - 1);
  }

  /** Most batches any epoch has (its offset is 0). */
  get maxBatches(): number {
    return this.numBatchesAt(0);
  }

  /**
   * The plan of one epoch: from `{seed, epoch}` (replayable from a checkpoint)
   * or by drawing from `rng` (the offset first, then the shuffle, as D2L does).
   */
  epoch(source: EpochKey | Rng): EpochPlan {
    const rng = source instanceof Rng ? source : new Rng(epochSeed(source.seed, source.epoch));
    // D2L's sequential iterator draws randint(0, num_steps), inclusive; both kinds here use [0, numSteps)
    // so an offset of numSteps (the same cut as 0, one window later) cannot cost a batch.
    const offset = rng.int(this.numSteps);
    const numBatches = this.numBatchesAt(offset);
    if (this.sampling === 'sequential') return new EpochPlan(this, offset, numBatches, null);
    const numSubseqs = Math.floor((this.corpus.length - offset - 1) / this.numSteps);
    const starts = Array.from({ length: numSubseqs }, (_, k) => offset + k * this.numSteps);
    rng.shuffle(starts);
    return new EpochPlan(this, offset, numBatches, Int32Array.from(starts.slice(0, numBatches * this.batchSize)));
  }

  #checkOffset(offset: number): void {
    if (!Number.isInteger(offset) || offset < 0 || offset >= this.numSteps) {
      throw new SeqlmError('INVALID_ARGUMENT', `offset must be an integer in [0, ${this.numSteps}), got ${offset}`, { offset });
    }
  }
}

/** The minibatches of one epoch, addressable by index so training can resume mid-epoch. */
export class EpochPlan {
  readonly batcher: SeqBatcher;
  /** Tokens skipped at the start of the corpus this epoch, in [0, numSteps). */
  readonly offset: number;
  readonly numBatches: number;
  /** random: the shuffled subsequence starts, `batchSize` per batch. */
  readonly #starts: Int32Array | null;
  /** sequential: length of each of the `batchSize` rows the corpus is reshaped into (`Xs.reshape(batch_size, -1)`). */
  readonly #rowLength: number;

  constructor(batcher: SeqBatcher, offset: number, numBatches: number, starts: Int32Array | null) {
    this.batcher = batcher;
    this.offset = offset;
    this.numBatches = numBatches;
    this.#starts = starts;
    this.#rowLength = Math.floor((batcher.corpus.length - offset - 1) / batcher.batchSize);
  }

  /** Corpus position where row `j` of batch `index` starts; `X[j] = corpus[p .. p+numSteps)`. */
  rowStarts(index: number): number[] {
    this.#checkIndex(index);
    const { batchSize: B, numSteps: T } = this.batcher;
    const starts = new Array<number>(B);
    for (let j = 0; j < B; j++) {
      // sequential: batch i is the column block [i·T, (i+1)·T) of every row, so row j continues across batches.
      starts[j] = this.#starts ? (this.#starts[index * B + j] as number) : this.offset + j * this.#rowLength + index * T;
    }
    return starts;
  }

  /** Batch `index` (0-based). */
  batch(index: number): SeqBatch {
    const { corpus, batchSize: B, numSteps: T } = this.batcher;
    const starts = this.rowStarts(index);
    const X = new Int32Array(B * T); // [B, T]
    const Y = new Int32Array(B * T); // [B, T]
    for (let j = 0; j < B; j++) {
      const p = starts[j] as number;
      X.set(corpus.subarray(p, p + T), j * T);
      Y.set(corpus.subarray(p + 1, p + 1 + T), j * T);
    }
    return { X, Y, batchSize: B, numSteps: T };
  }

  /** Batches `from`, `from + 1`, ..., `numBatches - 1`; pass a saved batch index to resume. */
  *batches(from = 0): Generator<SeqBatch, void, undefined> {
    if (from !== this.numBatches) this.#checkIndex(from);
    for (let i = from; i < this.numBatches; i++) yield this.batch(i);
  }

  [Symbol.iterator](): Generator<SeqBatch, void, undefined> {
    return this.batches(0);
  }

  #checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.numBatches) {
      throw new SeqlmError('INVALID_ARGUMENT', `batch index must be an integer in [0, ${this.numBatches}), got ${index}`, { index });
    }
  }
}
