import { SeqlmError } from '@seqlm/core/errors';
import { RnnModel, type RnnConfig } from '@seqlm/core/rnn';
import type { NamedFloatTensors } from './layout.ts';

/**
 * Perplexity exp(−1/n Σ log P(x_t | x_<t)) (D2L 9.3) of core's model with
 * `parameters` over one token stream, read in windows of `numSteps` with the
 * state carried across windows. Used to report what quantisation costs.
 */
export function streamPerplexity(config: RnnConfig, parameters: NamedFloatTensors, ids: Int32Array, numSteps = 64): number {
  if (ids.length < 2) throw new SeqlmError('CORPUS_TOO_SHORT', `perplexity needs at least 2 tokens, got ${ids.length}`);
  const model = RnnModel.fromParameters(config, parameters instanceof Map ? Object.fromEntries(parameters) : parameters);
  let state = model.initialState(1);
  let total = 0;
  let count = 0;
  for (let start = 0; start + 1 < ids.length; start += numSteps) {
    const T = Math.min(numSteps, ids.length - 1 - start);
    const X = ids.slice(start, start + T);
    const Y = ids.slice(start + 1, start + 1 + T);
    const r = model.loss({ X, Y, batchSize: 1, numSteps: T }, state);
    total += r.loss * r.tokens;
    count += r.tokens;
    state = r.state;
  }
  return Math.exp(total / count);
}
