/**
 * A language model seen one time step at a time, the shape of D2L's RNN
 * `forward(X, state)` restricted to a single step. Sampling and beam search are
 * written against this, so any model (RNN, GRU, LSTM, an ONNX session) can plug in.
 */
export interface StepModel<S> {
  /** The state before any token, for `batch` independent sequences (D2L `begin_state`). */
  initialState(batch: number): S;
  /**
   * Consumes one token per sequence (`tokenIds`, length B) and returns the logits
   * for the next token, `[B, V]` row-major, with the state after it.
   * Must not modify `state`: beam search steps one state with several tokens.
   */
  step(state: S, tokenIds: Int32Array): { logits: Float32Array; state: S };
}
