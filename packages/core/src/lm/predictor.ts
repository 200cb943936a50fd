/** A value now, or later: n-gram and core RNN models answer synchronously, onnxruntime sessions do not. */
export type MaybePromise<T> = T | Promise<T>;

/** Next-token scores over the vocabulary: logits or ln p; softmax of either gives the distribution. */
export type Scores = Float32Array | Float64Array;

/** Where a model stands after some tokens: its state, and its scores for the next token. */
export interface Prediction<S> {
  state: S;
  /** null when the model needs a token before it can predict (a neural model has no start token). */
  scores: Scores | null;
}

/** ln p of each token of a sequence given the tokens before it, and of tokens scored after it (`</s>`). */
export interface SequenceLogProbs {
  /** `[n]`; NaN where the model makes no prediction (a neural model's first token). */
  logProbs: Float64Array;
  trailing: { id: number; logProb: number }[];
}

/**
 * The model-specific part of a language model: everything else (cursors,
 * scoring summaries, sampling, mixtures) is written once against this.
 * States are never modified in place, so a saved state can be resumed any
 * number of times (the playground's per-keystroke reuse, beam-like forks).
 */
export interface Predictor<S> {
  readonly vocabSize: number;
  /** Whether `scores` are already ln p (n-gram, mixture) rather than logits that still need a log-softmax. */
  readonly normalized: boolean;
  /** The state before any token (D2L `begin_state`). */
  start(): Prediction<S>;
  /** Consumes `ids` (at least one) after `state`; the scores are for the token after the last id. */
  advance(state: S, ids: Int32Array): MaybePromise<Prediction<S>>;
  /** ln p(ids[t] | ids[<t]) for every t, in as few model runs as the model allows (one graph run for a neural model). */
  logProbsOf(ids: Int32Array): MaybePromise<SequenceLogProbs>;
  /** The last layer's h_t after each of `ids` from the start state; only models with a hidden state have it. */
  hiddenStates?(ids: Int32Array): MaybePromise<HiddenStates>;
}

/** h_t of a recurrent model's last layer after each token: `data` is [steps, size] row-major. */
export interface HiddenStates {
  steps: number;
  /** H, the number of hidden units. */
  size: number;
  data: Float32Array;
}
