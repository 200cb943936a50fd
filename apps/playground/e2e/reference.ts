/**
 * What the browser should show, computed in Node by @seqlm/core (the model
 * from its core weights file) and by onnxruntime-node (the same ONNX graph the
 * page runs), for comparing against the page.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import { RnnModel, decodeWeights, parseManifest, type NeuralManifest } from '@seqlm/core';
import { softmax, logSoftmax, warmUp } from '@seqlm/core/sampling';

export interface ReferenceModel {
  manifest: NeuralManifest;
  rnn: RnnModel;
  session: ortNode.InferenceSession;
}

export async function referenceModel(dir: string): Promise<ReferenceModel> {
  const manifest = parseManifest(readFileSync(join(dir, 'manifest.json'), 'utf8')) as NeuralManifest;
  const a = manifest.architecture;
  const rnn = RnnModel.fromParameters(
    { cell: manifest.kind, vocabSize: a.vocabSize, hiddenSize: a.hiddenSize, numLayers: a.numLayers, linearBeforeReset: manifest.kind === 'gru' ? manifest.gates.linearBeforeReset : 0 },
    decodeWeights(new Uint8Array(readFileSync(join(dir, 'weights.bin')))),
  );
  const session = await ortNode.InferenceSession.create(readFileSync(join(dir, 'model.onnx')));
  return { manifest, rnn, session };
}

/** Next-token probabilities after `ids` from core's RnnModel, stepping one token at a time. */
export function coreNextProbs(ref: ReferenceModel, ids: ArrayLike<number>): Float64Array {
  return softmax(warmUp(ref.rnn, ids).logits);
}

/** Logits [T, V] from onnxruntime-node over `ids` from the zero state, in one run. */
export async function ortLogits(ref: ReferenceModel, ids: ArrayLike<number>): Promise<Float32Array> {
  const feeds: Record<string, ortNode.Tensor> = {};
  const onnx = ref.manifest.onnx!;
  for (const input of onnx.inputs) {
    if (input.dtype === 'int32') feeds[input.name] = new ortNode.Tensor('int32', Int32Array.from(ids), [1, ids.length]);
    else {
      const dims = input.shape.map((d) => (typeof d === 'number' ? d : 1));
      feeds[input.name] = new ortNode.Tensor('float32', new Float32Array(dims.reduce((x, y) => x * y, 1)), dims);
    }
  }
  const out = await ref.session.run(feeds);
  return out.logits!.data as Float32Array;
}

export async function ortNextProbs(ref: ReferenceModel, ids: ArrayLike<number>): Promise<Float64Array> {
  const V = ref.manifest.architecture.vocabSize;
  const logits = await ortLogits(ref, ids);
  return softmax(logits.subarray((ids.length - 1) * V));
}

/** Perplexity of tokens 2..T given their prefixes under core's RnnModel (the first token has no prediction). */
export function corePerplexity(ref: ReferenceModel, ids: ArrayLike<number>): number {
  let state = ref.rnn.initialState(1);
  let nll = 0;
  for (let t = 0; t + 1 < ids.length; t++) {
    const out = ref.rnn.step(state, Int32Array.of(ids[t] as number));
    state = out.state;
    nll -= logSoftmax(out.logits)[ids[t + 1] as number] as number;
  }
  return Math.exp(nll / (ids.length - 1));
}
