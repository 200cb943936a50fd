import { Rng } from '@seqlm/core/random';
import { RnnModel, parameterSpecs, resolveConfig, type NamedTensor, type RnnConfig } from '@seqlm/core/rnn';

/**
 * Parameters for parity tests: Glorot-uniform matrices and random biases
 * (a fresh model's biases are zero, which would hide a bias-layout mistake).
 */
export function testParameters(config: RnnConfig, seed = 3): Record<string, NamedTensor> {
  const params = new RnnModel(config, { seed, init: { scheme: 'glorot-uniform' } }).parameters();
  const rng = new Rng(seed + 100);
  for (const { name, shape } of parameterSpecs(resolveConfig(config))) {
    if (shape.length === 1) for (let i = 0; i < params[name]!.data.length; i++) params[name]!.data[i] = rng.uniform(-0.5, 0.5);
  }
  return params;
}
