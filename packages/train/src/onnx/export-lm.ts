/**
 * Writes an exported language model directory: model.onnx, weights.bin (core's
 * weights container) and manifest.json listing both with their sha256, the
 * ONNX opset, IR version and graph signature. The graph is verified against
 * core and TensorFlow.js before anything is written.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SeqlmError } from '@seqlm/core/errors';
import {
  GATE_ORDERS,
  MANIFEST_SCHEMA_VERSION,
  encodeWeights,
  fileEntry,
  serializeManifest,
  type Manifest,
  type NeuralManifest,
  type TextSpec,
  type TrainingMetadata,
} from '@seqlm/core/manifest';
import { resolveConfig, type ResolvedRnnConfig, type RnnConfig } from '@seqlm/core/rnn';
import type { VocabJSON } from '@seqlm/core/vocab';
import type { NamedFloatTensors } from './layout.ts';
import { ONNX_IR_VERSION, ONNX_OPSET } from './proto.ts';
import type { QuantizeMode } from './quantize.ts';
import { buildLmGraph, graphParameters, lmGraphIo } from './rnn-graph.ts';
import { verifyLmGraph, type VerificationReport, type VerifyOptions } from './verify.ts';

/** File names inside an exported directory. */
export const EXPORT_FILES = Object.freeze({ onnx: 'model.onnx', weights: 'weights.bin', manifest: 'manifest.json' });

export interface ExportLmOptions {
  config: RnnConfig | ResolvedRnnConfig;
  /** Parameters by core name (`RnnModel.parameters()`, a decoded weights container, the TF.js model's). */
  parameters: NamedFloatTensors;
  vocab: VocabJSON;
  text: TextSpec;
  name?: string;
  description?: string;
  training?: TrainingMetadata;
  /** Store weight matrices as int8 or float16 in the graph (weights.bin then holds the same rounded values). */
  quantize?: QuantizeMode;
  verify?: VerifyOptions;
}

export interface ExportedLm {
  config: ResolvedRnnConfig;
  manifest: NeuralManifest;
  onnx: Uint8Array;
  weights: Uint8Array;
  /** The parameters the graph computes with (rounded when quantised). */
  parameters: Map<string, { shape: number[]; data: Float32Array }>;
  verification: VerificationReport;
}

/** Builds, verifies and describes the export in memory; `writeExport` puts it on disk. */
export async function exportLm(options: ExportLmOptions): Promise<ExportedLm> {
  const config = resolveConfig(options.config);
  const encoding = options.quantize ?? 'float32';
  if (options.vocab?.tokens?.length !== config.vocabSize) {
    throw new SeqlmError('INVALID_ARGUMENT', `the vocabulary has ${options.vocab?.tokens?.length} tokens but the model's vocabSize is ${config.vocabSize}`);
  }
  const graph = buildLmGraph(config, options.parameters, { weightEncoding: encoding });
  const parameters = graphParameters(config, options.parameters, encoding);
  const verification = await verifyLmGraph(graph.bytes, config, parameters, options.verify);
  const weights = encodeWeights(parameters);
  const { cell, vocabSize, hiddenSize, numLayers, embeddingSize, linearBeforeReset } = config;
  const base = {
    format: 'seqlm-manifest' as const,
    schemaVersion: MANIFEST_SCHEMA_VERSION as typeof MANIFEST_SCHEMA_VERSION,
    ...(options.name !== undefined ? { name: options.name } : {}),
    ...(options.description !== undefined ? { description: options.description } : {}),
    files: [fileEntry('onnx', EXPORT_FILES.onnx, graph.bytes), fileEntry('weights', EXPORT_FILES.weights, weights)],
    text: options.text,
    vocab: options.vocab,
    architecture: {
      vocabSize,
      hiddenSize,
      numLayers,
      embedding: embeddingSize === null ? ({ type: 'one-hot' } as const) : ({ type: 'dense', dim: embeddingSize } as const),
    },
    weights: { file: EXPORT_FILES.weights },
    onnx: { file: EXPORT_FILES.onnx, opset: ONNX_OPSET, irVersion: ONNX_IR_VERSION, inputs: graph.inputs, outputs: graph.outputs, io: lmGraphIo(cell) },
    ...(options.training !== undefined ? { training: options.training } : {}),
  };
  // `gates` describes weights.bin, which keeps seqlm's (TF.js) gate order; the ONNX operators fix their own.
  let manifest: NeuralManifest;
  if (cell === 'rnn') manifest = { ...base, kind: 'rnn' };
  else if (cell === 'gru') manifest = { ...base, kind: 'gru', gates: { layout: 'tfjs', order: [...GATE_ORDERS.tfjs.gru], linearBeforeReset } };
  else manifest = { ...base, kind: 'lstm', gates: { layout: 'tfjs', order: [...GATE_ORDERS.tfjs.lstm] } };
  serializeManifest(manifest); // validates: an invalid manifest is never returned or written
  return { config, manifest, onnx: graph.bytes, weights, parameters, verification };
}

/** Writes model.onnx, weights.bin and manifest.json into `dir` (created if needed). */
export async function writeExport(dir: string, exported: { manifest: Manifest; onnx: Uint8Array; weights: Uint8Array }): Promise<string[]> {
  const files: [string, Uint8Array | string][] = [
    [EXPORT_FILES.onnx, exported.onnx],
    [EXPORT_FILES.weights, exported.weights],
    [EXPORT_FILES.manifest, serializeManifest(exported.manifest)],
  ];
  try {
    await mkdir(dir, { recursive: true });
    for (const [name, data] of files) await writeFile(join(dir, name), data);
  } catch (error) {
    throw new SeqlmError('IO_ERROR', `cannot write the export to ${dir}: ${(error as Error).message}`, { dir }, { cause: error });
  }
  return files.map(([name]) => join(dir, name));
}
