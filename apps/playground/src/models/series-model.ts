import { SeqlmError } from '@seqlm/core/errors';
import type { TsMlpManifest } from '@seqlm/core/manifest';
import { createSession, ort, type InferenceSession } from '../ort.ts';
import type { SeriesModel } from './forecast.ts';

/**
 * D2L 9.1's autoregressive MLP run by onnxruntime-web: one graph run maps a
 * batch of windows x [n, τ] to next values y [n, 1].
 */
export class OrtSeriesModel implements SeriesModel {
  readonly id: string;
  readonly manifest: TsMlpManifest;
  readonly tau: number;
  readonly #session: InferenceSession;
  readonly #input: string;
  readonly #output: string;

  private constructor(id: string, manifest: TsMlpManifest, session: InferenceSession, input: string, output: string) {
    this.id = id;
    this.manifest = manifest;
    this.tau = manifest.architecture.tau;
    this.#session = session;
    this.#input = input;
    this.#output = output;
  }

  /** Creates the session; `onnxBytes` must already be verified against the manifest. */
  static async load(id: string, manifest: TsMlpManifest, onnxBytes: Uint8Array): Promise<OrtSeriesModel> {
    const onnx = manifest.onnx;
    if (onnx === undefined) throw new SeqlmError('UNSUPPORTED', 'this model has no ONNX graph, which the playground runs time-series models with');
    const input = onnx.inputs.find((t) => t.dtype === 'float32');
    const output = onnx.outputs.find((t) => t.name === 'y') ?? onnx.outputs[0];
    if (input === undefined || output === undefined || onnx.inputs.length !== 1) {
      throw new SeqlmError('MODEL_INVALID', 'a time-series graph takes one float32 input of windows [batch, tau] and returns predictions [batch, 1]');
    }
    return new OrtSeriesModel(id, manifest, await createSession(onnxBytes), input.name, output.name);
  }

  readonly predict = async (windows: Float32Array, n: number): Promise<Float32Array> => {
    if (windows.length !== n * this.tau) throw new SeqlmError('SHAPE_MISMATCH', `expected ${n} windows of ${this.tau} values, got ${windows.length} values`);
    const out = await this.#session.run({ [this.#input]: new ort.Tensor('float32', windows, [n, this.tau]) });
    const y = out[this.#output];
    if (y === undefined || !(y.data instanceof Float32Array) || y.data.length !== n) throw new SeqlmError('SHAPE_MISMATCH', `expected ${n} float32 predictions from the graph`);
    return y.data;
  };
}
