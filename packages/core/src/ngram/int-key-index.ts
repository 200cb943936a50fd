import { SeqlmError } from '../errors/index.ts';

const EMPTY = -1;
// Typed arrays beyond 2^30 slots would need more than 8 GiB for the keys alone.
const MAX_CAPACITY = 2 ** 30;

/**
 * A hash table from non-negative integer keys (below 2^53) to non-negative
 * int32 values, with open addressing over typed arrays.
 *
 * n-gram keys are packed as `id * V + word`, which overflows int32 for word
 * vocabularies; a `Map` would box such keys and caps out near 2^24 entries,
 * while this table stores them flat and is faster to probe.
 */
export class IntKeyIndex {
  #keys: Float64Array;
  #values: Int32Array;
  #mask: number;
  #size = 0;

  constructor(expected = 8) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.#keys = new Float64Array(capacity).fill(EMPTY);
    this.#values = new Int32Array(capacity);
    this.#mask = capacity - 1;
  }

  get size(): number {
    return this.#size;
  }

  /** The value stored under `key`, or -1. */
  get(key: number): number {
    const keys = this.#keys;
    const mask = this.#mask;
    let i = hash(key) & mask;
    for (;;) {
      const k = keys[i] as number;
      if (k === key) return this.#values[i] as number;
      if (k === EMPTY) return -1;
      i = (i + 1) & mask;
    }
  }

  /** Stores `value` under `key`, replacing any previous value. */
  set(key: number, value: number): void {
    if ((this.#size + 1) * 2 > this.#keys.length) this.#grow();
    const keys = this.#keys;
    const mask = this.#mask;
    let i = hash(key) & mask;
    for (;;) {
      const k = keys[i] as number;
      if (k === key) {
        this.#values[i] = value;
        return;
      }
      if (k === EMPTY) {
        keys[i] = key;
        this.#values[i] = value;
        this.#size++;
        return;
      }
      i = (i + 1) & mask;
    }
  }

  #grow(): void {
    const oldKeys = this.#keys;
    const oldValues = this.#values;
    const capacity = oldKeys.length * 2;
    if (capacity > MAX_CAPACITY) {
      throw new SeqlmError('UNSUPPORTED', `n-gram index is full (${this.#size} entries); the model is too large for this runtime`);
    }
    const keys = new Float64Array(capacity).fill(EMPTY);
    const values = new Int32Array(capacity);
    const mask = capacity - 1;
    for (let j = 0; j < oldKeys.length; j++) {
      const key = oldKeys[j] as number;
      if (key === EMPTY) continue;
      let i = hash(key) & mask;
      while (keys[i] !== EMPTY) i = (i + 1) & mask;
      keys[i] = key;
      values[i] = oldValues[j] as number;
    }
    this.#keys = keys;
    this.#values = values;
    this.#mask = mask;
  }
}

/** Mixes both 32-bit halves of a key below 2^53 (murmur3 finaliser). */
function hash(key: number): number {
  const lo = key >>> 0;
  const hi = (key / 4294967296) >>> 0;
  let h = lo ^ Math.imul(hi, 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}
