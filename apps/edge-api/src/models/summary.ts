import type { z } from '@hono/zod-openapi';
import type { ModelSummary } from '../schemas.ts';
import type { ServableManifest } from './source.ts';

/** What GET /v1/models shows of a manifest: enough to pick a model, not its vocabulary or file hashes. */
export function summarize(id: string, manifest: ServableManifest): z.infer<typeof ModelSummary> {
  const dims: Record<string, unknown> =
    manifest.kind === 'mixture'
      ? { components: manifest.mixture.components.map((c) => ({ path: c.path, weight: c.weight })) }
      : manifest.kind === 'ngram'
      ? {
          order: manifest.ngram.order,
          estimator: manifest.ngram.estimator,
          sentenceBoundaries: manifest.ngram.sentenceBoundaries,
          counts: manifest.ngram.counts,
        }
      : {
          hiddenSize: manifest.architecture.hiddenSize,
          numLayers: manifest.architecture.numLayers,
          embedding: manifest.architecture.embedding,
        };
  return {
    id,
    kind: manifest.kind,
    ...(manifest.name !== undefined ? { name: manifest.name } : {}),
    ...(manifest.description !== undefined ? { description: manifest.description } : {}),
    tokenizer: manifest.text.tokenizer,
    normalization: manifest.text.normalization,
    vocabSize: manifest.vocab.tokens.length,
    dims,
    training: { ...(manifest.training ?? {}) },
  };
}
