import * as tf from '@tensorflow/tfjs-core';
import { SeqlmError } from '@seqlm/core/errors';
import type { WeightTensor } from '@seqlm/core/manifest';
import { Rng } from '@seqlm/core/random';
import { registerGradients } from '../tfjs/gradients.ts';
import { matMul, meanSquaredError } from '../tfjs/ops.ts';
import { TfOptimizer } from '../lm/optimizer.ts';

export interface MlpTrainOptions {
  /** Hidden layer width (D2L: 10). */
  hidden?: number;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  seed?: number;
}

/**
 * D2L 9.1's autoregressive MLP x̂_t = W₂ relu(W₁ [x_{t−τ} … x_{t−1}] + b₁) + b₂,
 * two dense layers in TF.js, weights `dense.0.W` [τ, h], `dense.0.b` [h],
 * `dense.1.W` [h, 1], `dense.1.b` [1] (x W convention, as core's RNN).
 */
export class TsMlp {
  readonly tau: number;
  readonly hidden: number;
  readonly params: ReadonlyMap<string, tf.Variable>;

  constructor(tau: number, hidden: number, seed: number) {
    registerGradients();
    if (!Number.isInteger(tau) || tau < 1) throw new SeqlmError('INVALID_ARGUMENT', `tau must be an integer >= 1, got ${tau}`);
    if (!Number.isInteger(hidden) || hidden < 1) throw new SeqlmError('INVALID_ARGUMENT', `hidden must be an integer >= 1, got ${hidden}`);
    this.tau = tau;
    this.hidden = hidden;
    const rng = new Rng(seed);
    // Glorot-uniform weights (PyTorch's xavier_uniform_, which D2L applies), zero biases.
    const glorot = (rows: number, cols: number): tf.Tensor => {
      const a = Math.sqrt(6 / (rows + cols));
      return tf.tensor2d(Float32Array.from({ length: rows * cols }, () => rng.uniform(-a, a)), [rows, cols]);
    };
    this.params = new Map([
      ['dense.0.W', tf.variable(glorot(tau, hidden))],
      ['dense.0.b', tf.variable(tf.zeros([hidden]))],
      ['dense.1.W', tf.variable(glorot(hidden, 1))],
      ['dense.1.b', tf.variable(tf.zeros([1]))],
    ]);
  }

  /** Predictions [n] for features [n, τ] (row-major). */
  predictTensor(features: tf.Tensor2D): tf.Tensor1D {
    const p = (name: string) => this.params.get(name)!;
    const hidden = tf.relu(tf.add(matMul(features, p('dense.0.W') as tf.Tensor2D), p('dense.0.b'))) as tf.Tensor2D;
    return tf.reshape(tf.add(matMul(hidden, p('dense.1.W') as tf.Tensor2D), p('dense.1.b')), [features.shape[0]]);
  }

  predict(features: Float32Array, n: number): Float32Array {
    return tf.tidy(() => this.predictTensor(tf.tensor2d(features, [n, this.tau])).dataSync() as Float32Array);
  }

  /** Float32 copies of the weights by name. */
  parameters(): Map<string, WeightTensor> {
    const out = new Map<string, WeightTensor>();
    for (const [name, v] of this.params) out.set(name, { shape: [...v.shape], data: v.dataSync() as Float32Array });
    return out;
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
  }
}

/**
 * Fits the MLP to (features [n, τ], labels [n]) with Adam on the squared error,
 * shuffled minibatches (D2L: batch 16, lr 0.01, 5 epochs). Returns the mean
 * training loss of each epoch.
 */
export function trainTsMlp(model: TsMlp, features: Float32Array, labels: Float32Array, options: MlpTrainOptions = {}): number[] {
  const n = labels.length;
  const tau = model.tau;
  if (features.length !== n * tau) throw new SeqlmError('SHAPE_MISMATCH', `features must be [${n}, ${tau}], got ${features.length} values`);
  const epochs = options.epochs ?? 5;
  const batchSize = options.batchSize ?? 16;
  const rng = new Rng(options.seed ?? 0);
  const optimizer = new TfOptimizer({ kind: 'adam', lr: options.lr ?? 0.01 });
  const vars = [...model.params.values()];
  const losses: number[] = [];
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
      let total = 0;
      for (let start = 0; start < n; start += batchSize) {
        const rows = order.slice(start, start + batchSize);
        const X = new Float32Array(rows.length * tau);
        const Y = new Float32Array(rows.length);
        rows.forEach((r, i) => {
          X.set(features.subarray(r * tau, (r + 1) * tau), i * tau);
          Y[i] = labels[r]!;
        });
        tf.tidy(() => {
          const { value, grads } = tf.variableGrads(() => meanSquaredError(model.predictTensor(tf.tensor2d(X, [rows.length, tau])), tf.tensor1d(Y)), vars);
          total += value.dataSync()[0]! * rows.length;
          const named = new Map<string, tf.Tensor>();
          for (const [name, v] of model.params) named.set(name, grads[v.name]!);
          optimizer.apply(model.params, named);
        });
      }
      losses.push(total / n);
    }
  } finally {
    optimizer.dispose();
  }
  return losses;
}
