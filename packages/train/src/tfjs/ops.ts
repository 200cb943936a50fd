import * as tf from '@tensorflow/tfjs-core';

/**
 * C = A·B whose gradient transposes explicitly: dA = dC·Bᵀ, dB = Aᵀ·dC.
 * Autodiff's own gradient passes transposeA/transposeB flags, which the wasm
 * backend runs about ten times slower than a transpose followed by a plain matMul.
 */
export const matMul = tf.customGrad((a, b, save) => {
  const A = a as tf.Tensor2D;
  const B = b as tf.Tensor2D;
  (save as tf.GradSaveFunc)([A, B]);
  return {
    value: tf.matMul(A, B),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy as tf.Tensor2D, tf.transpose(sb)), tf.matMul(tf.transpose(sa), dy as tf.Tensor2D)];
    },
  };
}) as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

/**
 * Mean cross-entropy of logits [N, V] against one-hot targets [N, V]:
 * ℓ = −(1/N) Σ_i log softmax(o_i)_{y_i} (D2L 9.5). Its gradient (softmax − onehot)/N
 * is written out, which is cheaper than differentiating log-sum-exp op by op.
 */
export const softmaxCrossEntropy = tf.customGrad((logits, targets, save) => {
  const O = logits as tf.Tensor2D;
  const Y = targets as tf.Tensor2D;
  const n = O.shape[0];
  const logProbs = tf.logSoftmax(O);
  (save as tf.GradSaveFunc)([logProbs, Y]);
  return {
    value: tf.div(tf.neg(tf.sum(tf.mul(logProbs, Y))), n),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [lp, y] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.mul(tf.sub(tf.exp(lp), y), tf.div(dy, n)), tf.zerosLike(y)];
    },
  };
}) as (logits: tf.Tensor2D, targets: tf.Tensor2D) => tf.Scalar;

/** Mean squared error (1/N) Σ (p_i − y_i)², gradient 2(p − y)/N (the ops' own gradients are not all registered in Node). */
export const meanSquaredError = tf.customGrad((predictions, targets, save) => {
  const P = predictions as tf.Tensor;
  const Y = targets as tf.Tensor;
  const diff = tf.sub(P, Y);
  (save as tf.GradSaveFunc)([diff]);
  return {
    value: tf.mean(tf.square(diff)),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [d] = saved as [tf.Tensor];
      const g = tf.mul(d, tf.div(tf.mul(dy, 2), d.size));
      return [g, tf.neg(g)];
    },
  };
}) as (predictions: tf.Tensor, targets: tf.Tensor) => tf.Scalar;
