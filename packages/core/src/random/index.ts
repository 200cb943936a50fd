/**
 * Seeded pseudo-random numbers shared by batching, initialisation and sampling,
 * so a run is reproducible from one integer seed on every runtime.
 *
 * The generator is mulberry32 (32-bit state, period 2^32): small, fast and
 * identical in Node, browsers and Workers. Its state can be read and restored,
 * which checkpoints need.
 */
import { SeqlmError } from '../errors/index.ts';

export class Rng {
  #state: number;

  constructor(seed: number) {
    if (typeof seed !== 'number' || !Number.isFinite(seed)) {
      throw new SeqlmError('INVALID_ARGUMENT', `seed must be a finite number, got ${describe(seed)}`, { seed: describe(seed) });
    }
    this.#state = Math.trunc(seed) >>> 0;
  }

  /** The generator's state; `Rng.fromState(rng.state)` continues the same stream. */
  get state(): number {
    return this.#state;
  }

  /** Refuses anything `state` cannot have returned: an integer in [0, 2^32). */
  static fromState(state: number): Rng {
    if (!(typeof state === 'number' && Number.isInteger(state) && state >= 0 && state < 2 ** 32)) {
      throw new SeqlmError('INVALID_ARGUMENT', `an Rng state is an integer in [0, 2^32), got ${describe(state)}`, { state: describe(state) });
    }
    return new Rng(state);
  }

  /** Uniform float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform float in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** Standard normal sample (Box-Muller; one value per call for a simple state). */
  normal(mean = 0, sd = 1): number {
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Fisher-Yates shuffle in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }
}

/** A bad argument as a message shows it: strings quoted, so `'x'` and `x` differ. */
function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
