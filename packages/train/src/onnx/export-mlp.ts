/**
 * Export of the time-series MLP: model.onnx, weights.bin and a ts-mlp manifest,
 * verified on every available onnxruntime against `mlpReference` first.
 */
import { SeqlmError } from '@seqlm/core/errors';
import { MANIFEST_SCHEMA_VERSION, encodeWeights, fileEntry, serializeManifest, type TrainingMetadata, type TsMlpArchitecture, type TsMlpManifest } from '@seqlm/core/manifest';
import { Rng } from '@seqlm/core/random';
import { EXPORT_FILES } from './export-lm.ts';
import { tensorOf, type NamedFloatTensors } from './layout.ts';
import { maxAbsDiff } from './lm-session.ts';
import { buildMlpGraph, mlpParameterSpecs, mlpReference, MLP_TENSOR_NAMES } from './mlp-graph.ts';
import { ONNX_IR_VERSION, ONNX_OPSET } from './proto.ts';
import { availableRuntimes, createSession, type OrtRuntime } from './runtime.ts';
import { DEFAULT_TOLERANCE } from './verify.ts';

export interface ExportTsMlpOptions {
  architecture: TsMlpArchitecture;
  parameters: NamedFloatTensors;
  standardization?: { mean: number; std: number };
  name?: string;
  description?: string;
  training?: TrainingMetadata;
  runtimes?: OrtRuntime[];
  tolerance?: number;
}

export interface ExportedTsMlp {
  manifest: TsMlpManifest;
  onnx: Uint8Array;
  weights: Uint8Array;
  /** Largest |ŷ_onnx − ŷ_reference| per runtime on a random batch of 8. */
  maxAbsDiff: Partial<Record<OrtRuntime, number>>;
}

export async function exportTsMlp(options: ExportTsMlpOptions): Promise<ExportedTsMlp> {
  const arch = options.architecture;
  const graph = buildMlpGraph(arch, options.parameters);
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const B = 8;
  const rng = new Rng(0);
  const x = Float32Array.from({ length: B * arch.tau }, () => rng.normal(0, 1));
  const want = mlpReference(arch, options.parameters, x, B);
  const diffs: Partial<Record<OrtRuntime, number>> = {};
  for (const runtime of options.runtimes ?? (await availableRuntimes())) {
    const session = await createSession(runtime, graph.bytes);
    try {
      const out = await session.run({ [MLP_TENSOR_NAMES.x]: { dtype: 'float32', data: x, dims: [B, arch.tau] } });
      diffs[runtime] = maxAbsDiff(out[MLP_TENSOR_NAMES.y]?.data ?? [], want);
    } finally {
      await session.release();
    }
  }
  const bad = Object.entries(diffs).filter(([, d]) => !(d <= tolerance));
  if (bad.length > 0) {
    throw new SeqlmError('EXPORT_MISMATCH', `the exported MLP does not reproduce the model (tolerance ${tolerance}): ${bad.map(([r, d]) => `onnxruntime-${r} differs by ${d.toExponential(3)}`).join('; ')}`, { diffs });
  }
  const named: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const { name, shape } of mlpParameterSpecs(arch)) named[name] = { shape, data: tensorOf(options.parameters, name, shape) };
  const weights = encodeWeights(named);
  const manifest: TsMlpManifest = {
    format: 'seqlm-manifest',
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    kind: 'ts-mlp',
    ...(options.name !== undefined ? { name: options.name } : {}),
    ...(options.description !== undefined ? { description: options.description } : {}),
    files: [fileEntry('onnx', EXPORT_FILES.onnx, graph.bytes), fileEntry('weights', EXPORT_FILES.weights, weights)],
    architecture: { tau: arch.tau, hiddenSizes: [...arch.hiddenSizes], activation: arch.activation },
    ...(options.standardization !== undefined ? { standardization: options.standardization } : {}),
    weights: { file: EXPORT_FILES.weights },
    onnx: { file: EXPORT_FILES.onnx, opset: ONNX_OPSET, irVersion: ONNX_IR_VERSION, inputs: graph.inputs, outputs: graph.outputs },
    ...(options.training !== undefined ? { training: options.training } : {}),
  };
  serializeManifest(manifest);
  return { manifest, onnx: graph.bytes, weights, maxAbsDiff: diffs };
}
