import { SeqlmError } from '../errors/index.ts';
import type { Rng } from '../random/index.ts';
import type { FloatArray } from './float-array.ts';

/**
 * How weight matrices start; biases always start at zero.
 * `normal`: N(0, scale²) with D2L's scale 0.01 by default.
 * `glorot-uniform`: U(−a, a), a = √(6 / (fan_in + fan_out)) with the fused
 * matrix's rows and columns as fans (as Keras/TF.js do for a fused kernel).
 */
export type InitScheme = { scheme: 'normal'; scale?: number } | { scheme: 'glorot-uniform' };

export const INIT_SCHEMES = ['normal', 'glorot-uniform'] as const;

/** Fills `data` (a weight of `shape`) in place from `rng`; 1-D shapes are biases and get zeros. */
export function initTensor(data: FloatArray, shape: readonly number[], init: InitScheme, rng: Rng): void {
  if (shape.length < 2) {
    data.fill(0);
    return;
  }
  switch (init.scheme) {
    case 'normal': {
      const scale = init.scale ?? 0.01;
      if (!Number.isFinite(scale) || scale <= 0) throw new SeqlmError('INVALID_ARGUMENT', `normal init scale must be positive, got ${scale}`);
      for (let i = 0; i < data.length; i++) data[i] = rng.normal(0, scale);
      return;
    }
    case 'glorot-uniform': {
      const fanIn = shape[0]!;
      const fanOut = shape[shape.length - 1]!;
      const a = Math.sqrt(6 / (fanIn + fanOut));
      for (let i = 0; i < data.length; i++) data[i] = rng.uniform(-a, a);
      return;
    }
    default:
      throw new SeqlmError('INVALID_ARGUMENT', `unknown init scheme "${String((init as { scheme: unknown }).scheme)}"; expected one of ${INIT_SCHEMES.join(', ')}`);
  }
}
