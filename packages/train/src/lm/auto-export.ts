/**
 * The last step of `seqlm train` (issue #6): turn the model directory the run
 * just wrote into an exported one (model.onnx beside weights.bin, manifest with
 * the graph signature) after onnxruntime reproduces core and TensorFlow.js.
 * A failed verification leaves the trained weights, their manifest and the
 * checkpoint untouched, so nothing of the run is lost.
 */
import { join } from 'node:path';
import { isSeqlmError, SeqlmError } from '@seqlm/core/errors';
import { serializeManifest, type NeuralManifest } from '@seqlm/core/manifest';
import { EXPORT_FILES, exportLm, type ExportedLm } from '../onnx/export-lm.ts';
import type { NamedFloatTensors } from '../onnx/layout.ts';
import type { VerifyOptions } from '../onnx/verify.ts';
import { rnnConfigOf } from './artifact.ts';
import { writeFileAtomic } from './atomic-write.ts';

export interface AutoExportOptions {
  /** The manifest `writeLmArtifact` wrote into `dir` (its other files, e.g. the plot, stay listed). */
  manifest: NeuralManifest;
  /** The parameters behind that manifest's weights container, by core name. */
  parameters: NamedFloatTensors;
  verify?: VerifyOptions;
}

/**
 * Exports and verifies the trained model in `dir`, then writes model.onnx,
 * weights.bin and manifest.json there, each atomically and the manifest last.
 * Throws EXPORT_MISMATCH (with every difference) before writing anything when
 * the graph does not reproduce the model; every error says the trained files are kept.
 */
export async function exportTrainedModel(dir: string, options: AutoExportOptions): Promise<ExportedLm> {
  const { manifest } = options;
  let exported: ExportedLm;
  try {
    exported = await exportLm({
      config: rnnConfigOf(manifest),
      parameters: options.parameters,
      vocab: manifest.vocab,
      text: manifest.text,
      ...(manifest.name !== undefined ? { name: manifest.name } : {}),
      ...(manifest.description !== undefined ? { description: manifest.description } : {}),
      ...(manifest.training !== undefined ? { training: manifest.training } : {}),
      ...(options.verify !== undefined ? { verify: options.verify } : {}),
    });
  } catch (error) {
    // Whatever stopped the export (a mismatch, no onnxruntime), the user must learn the training itself is safe.
    if (!isSeqlmError(error)) throw error;
    const kept = `the trained model is kept in ${dir} (weights.bin and manifest.json, without model.onnx) with its checkpoint; try \`seqlm export ${dir}\` again`;
    throw new SeqlmError(error.code, `${error.message}\n${kept}`, error.details === undefined ? undefined : { ...error.details }, { cause: error });
  }
  const exportedPaths = new Set<string>([EXPORT_FILES.onnx, EXPORT_FILES.weights]);
  const others = manifest.files.filter((f) => !exportedPaths.has(f.path));
  const final: NeuralManifest = { ...exported.manifest, files: [...exported.manifest.files, ...others] };
  const text = serializeManifest(final); // validates before anything is written
  await writeFileAtomic(join(dir, EXPORT_FILES.onnx), exported.onnx);
  await writeFileAtomic(join(dir, EXPORT_FILES.weights), exported.weights);
  await writeFileAtomic(join(dir, EXPORT_FILES.manifest), text);
  return { ...exported, manifest: final };
}
