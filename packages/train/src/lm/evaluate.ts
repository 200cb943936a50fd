import * as tf from '@tensorflow/tfjs-core';
import { SeqlmError } from '@seqlm/core/errors';
import type { TfRnnModel, TfState } from './model.ts';
import { disposeState } from './train-step.ts';

/**
 * Perplexity exp(−(1/n) Σ log P(x_t | x_<t)) (D2L 9.3) of `ids` under the model:
 * the ids are cut into `B` contiguous rows read `T` steps at a time with the
 * state carried, so each prediction after a row's first token conditions on the
 * whole row so far, and all but fewer than `B` of the tokens are scored.
 */
export function evaluatePerplexity(model: TfRnnModel, ids: Int32Array, B: number, T: number): { perplexity: number; loss: number; tokens: number } {
  const rows = Math.min(B, ids.length - 1);
  const rowLength = Math.floor((ids.length - 1) / Math.max(rows, 1));
  if (rows < 1 || rowLength < 1) throw new SeqlmError('CORPUS_TOO_SHORT', `cannot score ${ids.length} tokens: at least 2 are needed`);
  let state: TfState | null = null;
  let total = 0;
  let count = 0;
  for (let start = 0; start < rowLength; start += T) {
    const steps = Math.min(T, rowLength - start);
    const tokens = new Int32Array(steps * rows); // [T·B] time-major
    const targets = new Int32Array(steps * rows);
    for (let t = 0; t < steps; t++) {
      for (let b = 0; b < rows; b++) {
        const p = b * rowLength + start + t;
        tokens[t * rows + b] = ids[p]!;
        targets[t * rows + b] = ids[p + 1]!;
      }
    }
    const previous: TfState | null = state;
    let loss = 0;
    let next: TfState | null = null;
    tf.tidy(() => {
      const out = model.loss(tokens, targets, rows, steps, previous);
      for (const t of [...out.state.h, ...(out.state.c ?? [])]) tf.keep(t);
      next = out.state;
      loss = out.loss.dataSync()[0]!;
    });
    disposeState(previous);
    state = next;
    total += loss * steps * rows;
    count += steps * rows;
  }
  disposeState(state);
  const loss = total / count;
  return { perplexity: Math.exp(loss), loss, tokens: count };
}
