import * as tf from '@tensorflow/tfjs-core';
import { SeqlmError } from '@seqlm/core/errors';
import type { SequenceBatch } from '@seqlm/core/rnn';
import { timeMajor, type TfRnnModel, type TfState } from './model.ts';
import { disposeState } from './train-step.ts';

/**
 * The windows perplexity is scored on: `ids` cut into `B` contiguous rows read
 * `T` steps at a time (the last window may be shorter), X and Y [rows, steps]
 * row-major with Y one token ahead. Carrying the state from window to window,
 * each prediction after a row's first token conditions on the whole row so
 * far, and all but fewer than `B` of the tokens are scored.
 */
export function* scoringWindows(ids: Int32Array, B: number, T: number): Generator<SequenceBatch> {
  const rows = Math.min(B, ids.length - 1);
  const rowLength = Math.floor((ids.length - 1) / Math.max(rows, 1));
  if (rows < 1 || rowLength < 1) throw new SeqlmError('CORPUS_TOO_SHORT', `cannot score ${ids.length} tokens: at least 2 are needed`);
  for (let start = 0; start < rowLength; start += T) {
    const steps = Math.min(T, rowLength - start);
    const X = new Int32Array(steps * rows);
    const Y = new Int32Array(steps * rows);
    for (let b = 0; b < rows; b++) {
      for (let t = 0; t < steps; t++) {
        const p = b * rowLength + start + t;
        X[b * steps + t] = ids[p]!;
        Y[b * steps + t] = ids[p + 1]!;
      }
    }
    yield { X, Y, batchSize: rows, numSteps: steps };
  }
}

/** Token-weighted mean of per-window losses as perplexity exp(−(1/n) Σ log P(x_t | x_<t)) (D2L 9.3). */
export function perplexityOf(windows: Iterable<SequenceBatch>, lossOf: (window: SequenceBatch) => number): { perplexity: number; loss: number; tokens: number } {
  let total = 0;
  let count = 0;
  for (const w of windows) {
    const n = w.batchSize * w.numSteps;
    total += lossOf(w) * n;
    count += n;
  }
  const loss = total / count;
  return { perplexity: Math.exp(loss), loss, tokens: count };
}

/** Perplexity of `ids` under a TensorFlow.js model, on `scoringWindows(ids, B, T)`. */
export function evaluatePerplexity(model: TfRnnModel, ids: Int32Array, B: number, T: number): { perplexity: number; loss: number; tokens: number } {
  let state: TfState | null = null;
  try {
    return perplexityOf(scoringWindows(ids, B, T), (w) => {
      const previous: TfState | null = state;
      let loss = 0;
      let next: TfState | null = null;
      tf.tidy(() => {
        const out = model.loss(timeMajor(w.X, w.batchSize, w.numSteps), timeMajor(w.Y, w.batchSize, w.numSteps), w.batchSize, w.numSteps, previous);
        for (const t of [...out.state.h, ...(out.state.c ?? [])]) tf.keep(t);
        next = out.state;
        loss = out.loss.dataSync()[0]!;
      });
      disposeState(previous);
      state = next;
      return loss;
    });
  } finally {
    disposeState(state);
  }
}
