import * as tf from '@tensorflow/tfjs-core';

/**
 * Gradients of the kernels the language model and the MLP differentiate.
 * `@tensorflow/tfjs-core` ships its gradient table only as extensionless ES
 * modules that Node cannot load (the `@tensorflow/tfjs` bundle registers them);
 * so the few needed are written here from their derivatives. Each is registered
 * only when absent, leaving tfjs-node's (full tfjs) table untouched.
 */

/** Sums `dy` over the axes broadcasting added to `shape`, then restores `shape`. */
function unbroadcast(dy: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = tf.backend_util.getReductionAxes(shape, dy.shape);
  return tf.reshape(axes.length > 0 ? tf.sum(dy, axes) : dy, shape);
}

const CONFIGS: tf.GradConfig[] = [
  {
    // ∂(a + b) = dy on each side.
    kernelName: tf.Add,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved) => {
      const [a, b] = saved as [tf.Tensor, tf.Tensor];
      return { a: () => unbroadcast(dy as tf.Tensor, a.shape), b: () => unbroadcast(dy as tf.Tensor, b.shape) };
    },
  },
  {
    kernelName: tf.Sub,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved) => {
      const [a, b] = saved as [tf.Tensor, tf.Tensor];
      return { a: () => unbroadcast(dy as tf.Tensor, a.shape), b: () => tf.neg(unbroadcast(dy as tf.Tensor, b.shape)) };
    },
  },
  {
    // ∂(a ⊙ b)/∂a = dy ⊙ b, and symmetrically.
    kernelName: tf.Multiply,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved) => {
      const [a, b] = saved as [tf.Tensor, tf.Tensor];
      return { a: () => unbroadcast(tf.mul(dy as tf.Tensor, b), a.shape), b: () => unbroadcast(tf.mul(dy as tf.Tensor, a), b.shape) };
    },
  },
  {
    // tanh' = 1 − y².
    kernelName: tf.Tanh,
    outputsToSave: [true],
    gradFunc: (dy, saved) => {
      const [y] = saved as [tf.Tensor];
      return { x: () => tf.mul(dy as tf.Tensor, tf.sub(1, tf.square(y))) };
    },
  },
  {
    // σ' = y (1 − y).
    kernelName: tf.Sigmoid,
    outputsToSave: [true],
    gradFunc: (dy, saved) => {
      const [y] = saved as [tf.Tensor];
      return { x: () => tf.mul(dy as tf.Tensor, tf.mul(y, tf.sub(1, y))) };
    },
  },
  {
    // The pieces' gradients, put back side by side (unused pieces arrive as zeros).
    kernelName: tf.SplitV,
    gradFunc: (dy, _saved, attrs) => {
      const axis = attrs['axis'] as number;
      return { x: () => tf.concat(dy as tf.Tensor[], axis) };
    },
  },
  {
    // Each input gets its slice of dy.
    kernelName: tf.Concat,
    saveAllInputs: true,
    gradFunc: (dy, saved, attrs) => {
      const shapes = (saved as tf.Tensor[]).map((t) => t.shape);
      const rank = shapes[0]!.length;
      const axis = ((attrs['axis'] as number) + rank) % rank;
      const parts = tf.split(dy as tf.Tensor, shapes.map((s) => s[axis]!), axis);
      const out: Record<string, () => tf.Tensor> = {};
      parts.forEach((p, i) => {
        out[i] = () => p;
      });
      return out;
    },
  },
  {
    kernelName: tf.Reshape,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as [tf.Tensor];
      return { x: () => tf.reshape(dy as tf.Tensor, x.shape) };
    },
  },
  {
    // relu' = 1 where x > 0.
    kernelName: tf.Relu,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as [tf.Tensor];
      return { x: () => tf.mul(dy as tf.Tensor, tf.cast(tf.greater(x, 0), 'float32')) };
    },
  },
];

let registered = false;

/** Registers the gradients above once per process (idempotent). */
export function registerGradients(): void {
  if (registered) return;
  for (const config of CONFIGS) if (tf.getGradient(config.kernelName) === undefined) tf.registerGradient(config);
  registered = true;
}
