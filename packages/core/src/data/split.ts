import { SeqlmError } from '../errors/index.ts';

/** Anything cut by position: a string, an array or a typed array. */
export interface Sliceable<T> {
  readonly length: number;
  slice(start?: number, end?: number): T;
}

export interface TrainValSplit<T> {
  train: T;
  val: T;
}

/**
 * Splits a sequence by position: the first `trainFraction` (default 0.9) for
 * training, the rest for validation, so no validation text leaks into training
 * through overlapping windows. The cut is at `floor(length · trainFraction)`.
 */
export function splitByPosition<T extends Sliceable<T>>(sequence: T, trainFraction = 0.9): TrainValSplit<T> {
  if (sequence === null || (typeof sequence !== 'string' && typeof sequence !== 'object') || typeof sequence.slice !== 'function') {
    throw new SeqlmError('INVALID_ARGUMENT', 'sequence must be a string, an array or a typed array');
  }
  if (typeof trainFraction !== 'number' || !(trainFraction > 0 && trainFraction < 1)) {
    throw new SeqlmError('INVALID_ARGUMENT', `trainFraction must be a number in (0, 1), got ${trainFraction}`, { trainFraction });
  }
  const cut = Math.floor(sequence.length * trainFraction);
  if (cut === 0 || cut === sequence.length) {
    throw new SeqlmError(
      'CORPUS_TOO_SHORT',
      `a sequence of length ${sequence.length} leaves an empty ${cut === 0 ? 'training' : 'validation'} part at trainFraction ${trainFraction}`,
      { length: sequence.length, trainFraction },
    );
  }
  return { train: sequence.slice(0, cut), val: sequence.slice(cut) };
}
