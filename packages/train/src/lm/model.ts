import * as tf from '@tensorflow/tfjs-core';
import { SeqlmError } from '@seqlm/core/errors';
import type { WeightTensor } from '@seqlm/core/manifest';
import { Rng } from '@seqlm/core/random';
import { initTensor, parameterSpecs, resolveConfig, type InitScheme, type ParameterSpec, type ResolvedRnnConfig, type RnnConfig } from '@seqlm/core/rnn';
import { registerGradients } from '../tfjs/gradients.ts';
import { matMul, softmaxCrossEntropy } from '../tfjs/ops.ts';

/** The recurrent state per layer: h [B, H] for every cell, c [B, H] for an LSTM. */
export interface TfState {
  h: tf.Tensor2D[];
  c: tf.Tensor2D[] | null;
}

export interface ForwardOptions {
  /** Dropout rate p on the outputs of every layer but the last (training only). Default 0. */
  dropout?: number;
  /** Draws the dropout masks, so a seeded run is reproducible and resumable. Required when dropout > 0. */
  rng?: Rng;
}

/** Token ids [B, T] row-major (as core's iterators yield them) reordered time-major [T·B]. */
export function timeMajor(ids: Int32Array, B: number, T: number): Int32Array {
  if (ids.length !== B * T) throw new SeqlmError('SHAPE_MISMATCH', `expected ${B * T} token ids for [${B}, ${T}], got ${ids.length}`);
  const out = new Int32Array(B * T);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) out[t * B + b] = ids[b * T + t]!;
  return out;
}

/**
 * The language model of core's `RnnModel`, written with TensorFlow.js core ops
 * so autodiff gives BPTT: the same cells (GRU with linearBeforeReset 0 or 1,
 * LSTM gates i, f, c, o), the same parameter names, shapes and row-major
 * layout (`parameterSpecs`), so one set of named tensors moves between engines.
 * Inputs are one-hot rows multiplied into W_x (tf.gather has no gradient on wasm).
 */
export class TfRnnModel {
  readonly config: ResolvedRnnConfig;
  readonly specs: readonly ParameterSpec[];
  /** Parameters by core name, in `parameterSpecs` order. */
  readonly params: ReadonlyMap<string, tf.Variable>;

  private constructor(config: ResolvedRnnConfig, values: ReadonlyMap<string, Float32Array>) {
    registerGradients();
    this.config = config;
    this.specs = parameterSpecs(config);
    const params = new Map<string, tf.Variable>();
    for (const { name, shape } of this.specs) params.set(name, tf.variable(tf.tensor(values.get(name)!, shape, 'float32'), true));
    this.params = params;
  }

  /** A fresh model initialised exactly as core's `RnnModel` with the same seed and scheme (same draws, same order). */
  static create(config: RnnConfig, options: { seed?: number; init?: InitScheme } = {}): TfRnnModel {
    const resolved = resolveConfig(config);
    const rng = new Rng(options.seed ?? 0);
    const init = options.init ?? { scheme: 'normal', scale: 0.01 };
    const values = new Map<string, Float32Array>();
    for (const { name, shape } of parameterSpecs(resolved)) {
      const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
      initTensor(data, shape, init, rng);
      values.set(name, data);
    }
    return new TfRnnModel(resolved, values);
  }

  /** A model holding `tensors` (names and shapes as `parameterSpecs(config)`; extra names are refused). */
  static fromParameters(config: RnnConfig, tensors: ReadonlyMap<string, WeightTensor> | Readonly<Record<string, WeightTensor>>): TfRnnModel {
    const resolved = resolveConfig(config);
    const get = (name: string): WeightTensor | undefined => (tensors instanceof Map ? tensors.get(name) : (tensors as Record<string, WeightTensor>)[name]);
    const names = tensors instanceof Map ? [...tensors.keys()] : Object.keys(tensors);
    const specs = parameterSpecs(resolved);
    const expected = new Set(specs.map((s) => s.name));
    for (const name of names) {
      if (!expected.has(name)) throw new SeqlmError('WEIGHTS_INVALID', `unexpected tensor "${name}" for a ${resolved.cell} model`, { name });
    }
    const values = new Map<string, Float32Array>();
    for (const { name, shape } of specs) {
      const tensor = get(name);
      if (tensor === undefined) throw new SeqlmError('WEIGHTS_INVALID', `missing tensor "${name}"`, { name });
      if (tensor.shape.length !== shape.length || tensor.shape.some((d, i) => d !== shape[i])) {
        throw new SeqlmError('SHAPE_MISMATCH', `tensor "${name}" has shape [${tensor.shape.join(', ')}], expected [${shape.join(', ')}]`, { name });
      }
      values.set(name, Float32Array.from(tensor.data));
    }
    return new TfRnnModel(resolved, values);
  }

  /** Float32 copies of every parameter by name, in `parameterSpecs` order (the weights container's content). */
  parameters(): Map<string, WeightTensor> {
    const out = new Map<string, WeightTensor>();
    for (const { name, shape } of this.specs) out.set(name, { shape: [...shape], data: this.params.get(name)!.dataSync() as Float32Array });
    return out;
  }

  /** Overwrites every parameter from named tensors of the right shapes. */
  assign(tensors: ReadonlyMap<string, WeightTensor>): void {
    for (const { name, shape } of this.specs) {
      const t = tensors.get(name);
      if (t === undefined) throw new SeqlmError('WEIGHTS_INVALID', `missing tensor "${name}"`, { name });
      if (t.data.length !== shape.reduce((a, b) => a * b, 1)) throw new SeqlmError('SHAPE_MISMATCH', `tensor "${name}" does not match [${shape.join(', ')}]`, { name });
      tf.tidy(() => this.params.get(name)!.assign(tf.tensor(t.data, shape, 'float32')));
    }
  }

  /** The zero state for a batch of `batchSize`. */
  initialState(batchSize: number): TfState {
    const { numLayers: L, hiddenSize: H, cell } = this.config;
    const zeros = (): tf.Tensor2D[] => Array.from({ length: L }, () => tf.zeros([batchSize, H]));
    return { h: zeros(), c: cell === 'lstm' ? zeros() : null };
  }

  /**
   * Logits [T·B, V] (time-major rows) for `tokens` [T·B] time-major, starting
   * from `state` (zeros when null), and the state after step T−1. Call inside a
   * tape (tf.variableGrads) to get BPTT; the state passed in is a constant, so
   * no gradient crosses the batch boundary.
   */
  forward(tokens: Int32Array, B: number, T: number, state: TfState | null, options: ForwardOptions = {}): { logits: tf.Tensor2D; state: TfState } {
    const { vocabSize: V, numLayers: L, embeddingSize } = this.config;
    if (tokens.length !== B * T) throw new SeqlmError('SHAPE_MISMATCH', `expected ${B * T} tokens for B=${B}, T=${T}, got ${tokens.length}`);
    for (let i = 0; i < tokens.length; i++) {
      const id = tokens[i]!;
      if (id < 0 || id >= V) throw new SeqlmError('VOCAB_OOV', `token id ${id} is outside the vocabulary of size ${V}`, { id });
    }
    const dropout = options.dropout ?? 0;
    if (!(dropout >= 0 && dropout < 1)) throw new SeqlmError('INVALID_ARGUMENT', `dropout must be in [0, 1), got ${dropout}`);
    if (dropout > 0 && options.rng === undefined) throw new SeqlmError('INVALID_ARGUMENT', 'dropout needs an rng for its masks');
    const start = state ?? this.initialState(B);

    const oneHot = tf.cast(tf.oneHot(tf.tensor1d(tokens, 'int32'), V), 'float32') as tf.Tensor2D; // [T·B, V]
    let x: tf.Tensor2D = embeddingSize === null ? oneHot : matMul(oneHot, this.#p('embedding') as tf.Tensor2D); // [T·B, in]
    const h: tf.Tensor2D[] = [];
    const c: tf.Tensor2D[] = [];
    for (let l = 0; l < L; l++) {
      const out = this.#layer(l, x, B, T, start.h[l]!, start.c?.[l] ?? null);
      h.push(out.h);
      if (out.c !== null) c.push(out.c);
      x = out.seq;
      if (dropout > 0 && l < L - 1) x = tf.mul(x, dropoutMask(x.shape, dropout, options.rng!));
    }
    const logits = tf.add(matMul(x, this.#p('W_hq') as tf.Tensor2D), this.#p('b_q')) as tf.Tensor2D; // [T·B, V]
    return { logits, state: { h, c: this.config.cell === 'lstm' ? c : null } };
  }

  /** Mean cross-entropy over the T·B predictions (D2L's training loss) and the final state. */
  loss(tokens: Int32Array, targets: Int32Array, B: number, T: number, state: TfState | null, options: ForwardOptions = {}): { loss: tf.Scalar; state: TfState } {
    const { logits, state: next } = this.forward(tokens, B, T, state, options);
    for (let i = 0; i < targets.length; i++) {
      const id = targets[i]!;
      if (id < 0 || id >= this.config.vocabSize) throw new SeqlmError('VOCAB_OOV', `target id ${id} is outside the vocabulary`, { id });
    }
    const Y = tf.cast(tf.oneHot(tf.tensor1d(targets, 'int32'), this.config.vocabSize), 'float32') as tf.Tensor2D;
    return { loss: softmaxCrossEntropy(logits, Y), state: next };
  }

  /** Frees the parameter variables. */
  dispose(): void {
    for (const v of this.params.values()) v.dispose();
  }

  #p(name: string): tf.Variable {
    return this.params.get(name)!;
  }

  /** One layer over all T steps; `x` [T·B, in] → sequence of outputs [T·B, H]. */
  #layer(l: number, x: tf.Tensor2D, B: number, T: number, h0: tf.Tensor2D, c0: tf.Tensor2D | null): { seq: tf.Tensor2D; h: tf.Tensor2D; c: tf.Tensor2D | null } {
    const { cell, hiddenSize: H, linearBeforeReset: lbr } = this.config;
    const Wx = this.#p(`layers.${l}.W_x`) as tf.Tensor2D;
    const Wh = this.#p(`layers.${l}.W_h`) as tf.Tensor2D;
    const b = this.#p(`layers.${l}.b`);
    // The input projection of every step at once, then one [B, G·H] block per step.
    const xw = tf.add(matMul(x, Wx), b) as tf.Tensor2D; // [T·B, G·H]
    const outs: tf.Tensor2D[] = [];
    let h = h0;
    let c = c0;
    switch (cell) {
      case 'rnn': {
        // h_t = tanh(x_t W_x + h_{t−1} W_h + b)
        const xs = tf.split(xw, T, 0) as tf.Tensor2D[];
        for (let t = 0; t < T; t++) {
          h = tf.tanh(tf.add(xs[t]!, matMul(h, Wh))) as tf.Tensor2D;
          outs.push(h);
        }
        break;
      }
      case 'gru': {
        const [xzr, xh] = tf.split(xw, [2 * H, H], 1) as [tf.Tensor2D, tf.Tensor2D];
        const xzrs = tf.split(xzr, T, 0) as tf.Tensor2D[];
        const xhs = tf.split(xh, T, 0) as tf.Tensor2D[];
        const [Whzr, Whh] = tf.split(Wh, [2 * H, H], 1) as [tf.Tensor2D, tf.Tensor2D];
        const bhn = lbr === 1 ? this.#p(`layers.${l}.b_hn`) : null;
        for (let t = 0; t < T; t++) {
          // [z, r] = σ(x_t W_x + h_{t−1} W_h + b) on the z, r columns
          const zr = tf.sigmoid(tf.add(xzrs[t]!, matMul(h, Whzr)));
          const [z, r] = tf.split(zr, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
          // h̃ = tanh(x_t W_xh + (r ⊙ h_{t−1}) W_hh + b_h), or with r applied after the product (linearBeforeReset 1)
          const n =
            bhn === null
              ? tf.tanh(tf.add(xhs[t]!, matMul(tf.mul(r, h), Whh)))
              : tf.tanh(tf.add(xhs[t]!, tf.mul(r, tf.add(matMul(h, Whh), bhn))));
          // h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃ = h̃ + z ⊙ (h_{t−1} − h̃)
          h = tf.add(n, tf.mul(z, tf.sub(h, n))) as tf.Tensor2D;
          outs.push(h);
        }
        break;
      }
      case 'lstm': {
        const xs = tf.split(xw, T, 0) as tf.Tensor2D[];
        for (let t = 0; t < T; t++) {
          // [i, f, c̃, o] = [σ, σ, tanh, σ](x_t W_x + h_{t−1} W_h + b); c_t = f ⊙ c_{t−1} + i ⊙ c̃; h_t = o ⊙ tanh(c_t)
          const [ai, af, ac, ao] = tf.split(tf.add(xs[t]!, matMul(h, Wh)), 4, 1) as tf.Tensor2D[];
          c = tf.add(tf.mul(tf.sigmoid(af!), c as tf.Tensor2D), tf.mul(tf.sigmoid(ai!), tf.tanh(ac!))) as tf.Tensor2D;
          h = tf.mul(tf.sigmoid(ao!), tf.tanh(c));
          outs.push(h);
        }
        break;
      }
    }
    return { seq: tf.concat(outs, 0), h, c };
  }
}

/** Inverted dropout mask: 0 with probability p, else 1/(1 − p), drawn from `rng`. */
function dropoutMask(shape: number[], p: number, rng: Rng): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const mask = new Float32Array(size);
  const keep = 1 / (1 - p);
  for (let i = 0; i < size; i++) mask[i] = rng.next() < p ? 0 : keep;
  return tf.tensor(mask, shape, 'float32');
}
