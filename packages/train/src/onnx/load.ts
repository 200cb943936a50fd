/**
 * Opens an exported model directory and refuses it unless everything agrees:
 * the manifest passes the schema (MANIFEST_INVALID), every listed file has its
 * recorded size and sha256 (HASH_MISMATCH), and the ONNX graph declares exactly
 * the inputs and outputs, dtypes, shapes, opset and IR version the manifest
 * records (MODEL_INVALID).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SeqlmError } from '@seqlm/core/errors';
import { decodeWeights, parseManifest, verifyFile, type Manifest, type OnnxSection, type TensorSpec, type WeightTensors } from '@seqlm/core/manifest';
import { readSignature } from './signature.ts';

export interface LoadedOnnxModel {
  dir: string;
  manifest: Manifest & { onnx: OnnxSection };
  onnx: Uint8Array;
  /** The decoded weights container when the manifest lists one. */
  weights: WeightTensors | null;
}

async function readBytes(path: string, code: 'MANIFEST_INVALID' | 'HASH_MISMATCH'): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    throw new SeqlmError(code, `cannot read ${path}: ${(error as Error).message}`, { path }, { cause: error });
  }
}

function describeSpec(s: TensorSpec): string {
  return `${s.name}: ${s.dtype} [${s.shape.join(', ')}]`;
}

/** Throws MODEL_INVALID unless the graph's declared tensors equal the manifest's, in order. */
export function checkSignature(kind: 'inputs' | 'outputs', graph: readonly TensorSpec[], manifest: readonly TensorSpec[]): void {
  const g = graph.map(describeSpec);
  const m = manifest.map(describeSpec);
  if (g.length !== m.length || g.some((s, i) => s !== m[i])) {
    throw new SeqlmError('MODEL_INVALID', `the ONNX graph's ${kind} (${g.join('; ')}) do not match the manifest's (${m.join('; ')})`, { kind, graph: g, manifest: m });
  }
}

/** Reads and checks `dir`/manifest.json and every file it lists; see the module comment for the refusals. */
export async function loadOnnxModelDir(dir: string): Promise<LoadedOnnxModel> {
  const text = new TextDecoder().decode(await readBytes(join(dir, 'manifest.json'), 'MANIFEST_INVALID'));
  const manifest = parseManifest(text);
  if (!('onnx' in manifest) || manifest.onnx === undefined) {
    throw new SeqlmError('MANIFEST_INVALID', `the ${manifest.kind} manifest in ${dir} has no "onnx" section`, { dir });
  }
  const files = new Map<string, Uint8Array>();
  for (const entry of manifest.files) {
    const bytes = await readBytes(join(dir, entry.path), 'HASH_MISMATCH');
    verifyFile(entry, bytes);
    files.set(entry.path, bytes);
  }
  const section = manifest.onnx;
  const onnx = files.get(section.file)!; // the validator guarantees `files` lists it
  const signature = readSignature(onnx);
  if (signature.irVersion !== section.irVersion || signature.opset !== section.opset) {
    throw new SeqlmError(
      'MODEL_INVALID',
      `the ONNX graph has IR version ${signature.irVersion} and opset ${signature.opset}, the manifest records ${section.irVersion} and ${section.opset}`,
      { dir },
    );
  }
  checkSignature('inputs', signature.inputs, section.inputs);
  checkSignature('outputs', signature.outputs, section.outputs);
  const weightsFile = 'weights' in manifest ? manifest.weights?.file : undefined;
  const weights = weightsFile === undefined ? null : decodeWeights(files.get(weightsFile)!);
  return { dir, manifest: manifest as Manifest & { onnx: OnnxSection }, onnx, weights };
}
