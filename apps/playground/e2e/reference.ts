/**
 * What the browser should show, computed in Node by @seqlm/core (the model
 * from its core weights file) and by onnxruntime-node (the same ONNX graph the
 * page runs), for comparing against the page; and a time-series model's
 * predictions from onnxruntime-node.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import { RnnModel, decodeWeights, parseManifest, type NeuralManifest, type TsMlpManifest } from '@seqlm/core';
import { sineSeries } from '@seqlm/core/timeseries';
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

export interface SeriesReference {
  x: Float32Array;
  tau: number;
  /** x̂_t for t = τ .. T − 1. */
  oneStep: Float32Array;
  /** k-step predictions of x[τ + k − 1 + j], j < T − τ − maxSteps + 1. */
  kStep: Float32Array;
}

/**
 * The time-series model's predictions computed by onnxruntime-node on the
 * series regenerated with core's sineSeries from the manifest: each starting
 * window is rolled forward k times, appending the graph's own output (D2L 9.1.2),
 * over the starting points of the `maxSteps` horizon.
 */
export async function ortSeriesReference(dir: string, k: number, maxSteps: number): Promise<SeriesReference> {
  const manifest = parseManifest(readFileSync(join(dir, 'manifest.json'), 'utf8')) as TsMlpManifest;
  const hp = manifest.training!.hyperparameters!;
  const { x } = sineSeries({ T: hp['series.T'] as number, seed: hp['series.seed'] as number, noiseSd: hp['series.noiseSd'] as number, frequency: hp['series.frequency'] as number });
  const tau = manifest.architecture.tau;
  const session = await ortNode.InferenceSession.create(readFileSync(join(dir, 'model.onnx')));
  const run = async (windows: number[][]): Promise<Float32Array> => {
    const out = await session.run({ x: new ortNode.Tensor('float32', Float32Array.from(windows.flat()), [windows.length, tau]) });
    return out.y!.data as Float32Array;
  };
  const all = Array.from({ length: x.length - tau }, (_, j) => Array.from(x.subarray(j, j + tau)));
  const oneStep = await run(all);
  let windows = all.slice(0, x.length - tau - maxSteps + 1);
  let last: Float32Array = new Float32Array(0);
  for (let step = 0; step < k; step++) {
    last = await run(windows);
    windows = windows.map((w, j) => [...w.slice(1), last[j]!]);
  }
  await session.release();
  return { x, tau, oneStep, kStep: last };
}
