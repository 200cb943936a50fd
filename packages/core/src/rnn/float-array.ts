import { SeqlmError } from '../errors/index.ts';

/**
 * Every kernel is generic over the element type: models train and run in
 * float32, and the same code runs in float64 for finite-difference gradient
 * checks, where float32 rounding would swamp the comparison.
 */
export const DTYPES = ['float32', 'float64'] as const;
export type Dtype = (typeof DTYPES)[number];
export type FloatArray = Float32Array | Float64Array;

export function isDtype(value: unknown): value is Dtype {
  return typeof value === 'string' && (DTYPES as readonly string[]).includes(value);
}

/** A zero-filled array of `length` elements of `dtype`. */
export function allocFloat(dtype: Dtype, length: number): FloatArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(length);
    case 'float64':
      return new Float64Array(length);
    default:
      throw new SeqlmError('INVALID_ARGUMENT', `unknown dtype "${String(dtype)}"; expected one of ${DTYPES.join(', ')}`);
  }
}

export function dtypeOf(array: FloatArray): Dtype {
  return array instanceof Float64Array ? 'float64' : 'float32';
}
