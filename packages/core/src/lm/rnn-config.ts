import { SeqlmError } from '../errors/index.ts';
import type { NeuralManifest, WeightTensors } from '../manifest/index.ts';
import { parameterSpecs, resolveConfig, type ResolvedRnnConfig } from '../rnn/index.ts';

/** The core RNN config a neural manifest describes. */
export function rnnConfigOf(manifest: NeuralManifest): ResolvedRnnConfig {
  const { architecture: a } = manifest;
  return resolveConfig({
    cell: manifest.kind,
    vocabSize: a.vocabSize,
    hiddenSize: a.hiddenSize,
    numLayers: a.numLayers,
    embeddingSize: a.embedding.type === 'dense' ? a.embedding.dim : null,
    linearBeforeReset: manifest.kind === 'gru' ? manifest.gates.linearBeforeReset : 0,
  });
}

/**
 * Checks decoded weights against the parameter names and shapes the manifest's
 * architecture needs (`WEIGHTS_INVALID`), and that an LSTM's gates are in core's order.
 */
export function checkNeuralWeights(manifest: NeuralManifest, weights: WeightTensors, file = 'the weights file'): ResolvedRnnConfig {
  if (manifest.kind === 'lstm' && manifest.gates.layout !== 'tfjs') {
    throw new SeqlmError('UNSUPPORTED', `LSTM gate layout "${manifest.gates.layout}" is not core's (i, f, c, o)`);
  }
  const config = rnnConfigOf(manifest);
  const specs = parameterSpecs(config);
  for (const { name, shape } of specs) {
    const t = weights.get(name);
    if (t === undefined) throw new SeqlmError('WEIGHTS_INVALID', `${file} lacks tensor "${name}"`, { name });
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new SeqlmError('WEIGHTS_INVALID', `${file}: "${name}" is [${t.shape.join(', ')}], the architecture needs [${shape.join(', ')}]`, { name });
    }
  }
  const expected = new Set(specs.map((s) => s.name));
  for (const name of weights.keys()) if (!expected.has(name)) throw new SeqlmError('WEIGHTS_INVALID', `${file} has unexpected tensor "${name}"`, { name });
  return config;
}
