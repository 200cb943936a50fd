import type { CellKind } from './config.ts';
import type { FloatArray } from './float-array.ts';
import type { Kernels } from './kernels.ts';

/**
 * The weights and weight gradients that one workspace's products read and
 * write: the layer's own arrays with the TypeScript kernels, or mirrors in
 * the wasm kernels' memory (copied in before a pass, gradients copied out after).
 * WxT/WhT are transposed copies [G·H, in] / [G·H, H] so every product reads contiguous rows.
 */
export interface LayerWeights {
  readonly Wx: FloatArray;
  readonly WxT: FloatArray;
  readonly Wh: FloatArray;
  readonly WhT: FloatArray;
  readonly gWx: FloatArray;
  readonly gWh: FloatArray;
  readonly gb: FloatArray;
  readonly gbhn: FloatArray | null;
}

/**
 * Activations of one layer over T steps of a batch of B, time-major: row
 * block t of every [T·B, ·] buffer holds step t. Allocated once per (B, T)
 * and reused, so the training loop does not allocate.
 */
export class LayerCache {
  readonly B: number;
  readonly T: number;
  /** [T·B, G·H] pre-activations (x W_x + b, then + h W_h), activated in place. */
  readonly gates: FloatArray;
  /** [T·B, H] hidden states h_t. */
  readonly out: FloatArray;
  /** [B, H] the state entering step 0 (carried from the previous batch, detached). */
  readonly h0: FloatArray;
  /** [T·B, H] GRU only: r ⊙ h_{t−1} (linearBeforeReset 0) or h_{t−1} W_hn + b_hn (1). */
  readonly aux: FloatArray;
  /** LSTM only: [T·B, H] cell states c_t, their tanh, and [B, H] c entering step 0. */
  readonly c: FloatArray;
  readonly tanhC: FloatArray;
  readonly c0: FloatArray;
  /** The kernels that run this workspace's products and own its buffers. */
  readonly k: Kernels;
  readonly w: LayerWeights;
  #grad: LayerGradCache | null = null;
  readonly #sizes: { H: number; GH: number; inSize: number; cell: CellKind; lbr: 0 | 1 };

  constructor(k: Kernels, w: LayerWeights, cell: CellKind, lbr: 0 | 1, B: number, T: number, inSize: number, H: number, GH: number) {
    this.B = B;
    this.T = T;
    this.k = k;
    this.w = w;
    this.#sizes = { H, GH, inSize, cell, lbr };
    const TB = T * B;
    const alloc = k.alloc;
    this.gates = alloc(TB * GH);
    this.out = alloc(TB * H);
    this.h0 = alloc(B * H);
    this.aux = alloc(cell === 'gru' ? TB * H : 0);
    const lstm = cell === 'lstm';
    this.c = alloc(lstm ? TB * H : 0);
    this.tanhC = alloc(lstm ? TB * H : 0);
    this.c0 = alloc(lstm ? B * H : 0);
  }

  /** Backward buffers, allocated on the first backward pass only (inference never needs them). */
  get grad(): LayerGradCache {
    if (this.#grad === null) {
      const { H, GH, inSize, cell, lbr } = this.#sizes;
      this.#grad = new LayerGradCache(this.k.alloc, cell, lbr, this.B, this.T, inSize, H, GH);
    }
    return this.#grad;
  }
}

export class LayerGradCache {
  /** [T·B, G·H] loss gradient w.r.t. gate pre-activations, and its transpose [G·H, T·B]. */
  readonly dA: FloatArray;
  readonly dAT: FloatArray;
  /** [T·B, H] GRU linearBeforeReset 1: gradient w.r.t. h W_hn + b_hn; [H, T·B] its transpose. */
  readonly dHN: FloatArray;
  readonly dHNT: FloatArray;
  /** [H, T·B] h_{t−1} for every step, and the GRU aux buffer, transposed for dW_h. */
  readonly hPrevT: FloatArray;
  readonly auxT: FloatArray;
  /** [in, T·B] the layer input transposed for dW_x (unused for one-hot input). */
  readonly inT: FloatArray;
  /** [T·B, H] gradient w.r.t. this layer's outputs, filled by the head or the layer above. */
  readonly dOut: FloatArray;
  /** [B, H] carries through time: ∂L/∂h_t (dhIn), ∂L/∂h_{t−1} (dh), ∂L/∂c_t (dc), and scratch. */
  readonly dhIn: FloatArray;
  readonly dh: FloatArray;
  readonly dc: FloatArray;
  readonly scratch: FloatArray;

  constructor(alloc: (length: number) => FloatArray, cell: CellKind, lbr: 0 | 1, B: number, T: number, inSize: number, H: number, GH: number) {
    const TB = T * B;
    const lbr1 = cell === 'gru' && lbr === 1;
    this.dA = alloc(TB * GH);
    this.dAT = alloc(TB * GH);
    this.dHN = alloc(lbr1 ? TB * H : 0);
    this.dHNT = alloc(lbr1 ? TB * H : 0);
    this.hPrevT = alloc(TB * H);
    this.auxT = alloc(cell === 'gru' && lbr === 0 ? TB * H : 0);
    this.inT = alloc(TB * inSize);
    this.dOut = alloc(TB * H);
    this.dhIn = alloc(B * H);
    this.dh = alloc(B * H);
    this.dc = alloc(cell === 'lstm' ? B * H : 0);
    this.scratch = alloc(B * H);
  }
}

/**
 * One recurrent layer with fused gates (order in GATE_ORDER):
 * RNN  h_t = tanh(x_t W_x + h_{t−1} W_h + b).
 * GRU  [z, r] = σ(x_t W_x + h_{t−1} W_h + b) on those columns,
 *      h̃ = tanh(x_t W_xh + (r ⊙ h_{t−1}) W_hh + b_h)           (linearBeforeReset 0)
 *      h̃ = tanh(x_t W_xh + r ⊙ (h_{t−1} W_hh + b_hn) + b_h)     (linearBeforeReset 1),
 *      h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃.
 * LSTM [i, f, c̃, o] = [σ, σ, tanh, σ](x_t W_x + h_{t−1} W_h + b),
 *      c_t = f ⊙ c_{t−1} + i ⊙ c̃, h_t = o ⊙ tanh(c_t).
 * The weights are views into the model's named tensors; the products use
 * each workspace's LayerWeights.
 */
export class Layer {
  readonly cell: CellKind;
  readonly lbr: 0 | 1;
  readonly inSize: number;
  readonly H: number;
  readonly GH: number;
  readonly Wx: FloatArray;
  readonly Wh: FloatArray;
  readonly b: FloatArray;
  readonly bhn: FloatArray | null;
  readonly gWx: FloatArray;
  readonly gWh: FloatArray;
  readonly gb: FloatArray;
  readonly gbhn: FloatArray | null;

  constructor(
    cell: CellKind,
    lbr: 0 | 1,
    inSize: number,
    H: number,
    weights: { Wx: FloatArray; Wh: FloatArray; b: FloatArray; bhn: FloatArray | null },
    grads: { Wx: FloatArray; Wh: FloatArray; b: FloatArray; bhn: FloatArray | null },
  ) {
    this.cell = cell;
    this.lbr = lbr;
    this.inSize = inSize;
    this.H = H;
    this.GH = weights.b.length;
    this.Wx = weights.Wx;
    this.Wh = weights.Wh;
    this.b = weights.b;
    this.bhn = weights.bhn;
    this.gWx = grads.Wx;
    this.gWh = grads.Wh;
    this.gb = grads.b;
    this.gbhn = grads.bhn;
  }

  /**
   * The weights a workspace on kernels `k` uses: with `shared` (the TypeScript
   * kernels) the layer's own arrays and one pair of transposes shared by every
   * workspace, otherwise mirrors allocated by `k`.
   */
  weightsFor(k: Kernels, shared: { WxT: FloatArray; WhT: FloatArray } | null): LayerWeights {
    if (shared !== null) return { Wx: this.Wx, WxT: shared.WxT, Wh: this.Wh, WhT: shared.WhT, gWx: this.gWx, gWh: this.gWh, gb: this.gb, gbhn: this.gbhn };
    const a = k.alloc;
    return {
      Wx: a(this.Wx.length),
      WxT: a(this.Wx.length),
      Wh: a(this.Wh.length),
      WhT: a(this.Wh.length),
      gWx: a(this.gWx.length),
      gWh: a(this.gWh.length),
      gb: a(this.gb.length),
      gbhn: this.gbhn === null ? null : a(this.gbhn.length),
    };
  }

  /** Brings `w` up to date with the weights (copy when mirrored) and recomputes its transposes. */
  syncWeights(k: Kernels, w: LayerWeights): void {
    if (w.Wx !== this.Wx) w.Wx.set(this.Wx);
    if (w.Wh !== this.Wh) w.Wh.set(this.Wh);
    k.transpose(this.inSize, this.GH, w.Wx, 0, this.GH, w.WxT, 0, this.inSize);
    k.transpose(this.H, this.GH, w.Wh, 0, this.GH, w.WhT, 0, this.H);
  }

  /** Copies mirrored gradients back into the model's gradient arrays after a backward pass. */
  publishGradients(w: LayerWeights): void {
    if (w.gWx !== this.gWx) this.gWx.set(w.gWx);
    if (w.gWh !== this.gWh) this.gWh.set(w.gWh);
    if (w.gb !== this.gb) this.gb.set(w.gb);
    if (w.gbhn !== null && w.gbhn !== this.gbhn) this.gbhn!.set(w.gbhn);
  }

  /** gates = x W_x + b for all T·B rows, x one-hot: a row gather of W_x. */
  projectOneHot(cache: LayerCache, tokens: Int32Array): void {
    const { GH, Wx, b } = this;
    const g = cache.gates;
    const rows = cache.T * cache.B;
    for (let r = 0; r < rows; r++) {
      const w = tokens[r]! * GH;
      const o = r * GH;
      for (let j = 0; j < GH; j++) g[o + j] = Wx[w + j]! + b[j]!;
    }
  }

  /** gates = x W_x + b for all T·B rows of a dense input [T·B, in]. */
  projectDense(cache: LayerCache, input: FloatArray): void {
    const { GH, inSize, b } = this;
    const g = cache.gates;
    const rows = cache.T * cache.B;
    cache.k.gemmABt(rows, GH, inSize, input, 0, inSize, cache.w.WxT, 0, inSize, g, 0, GH, false);
    for (let r = 0; r < rows; r++) {
      const o = r * GH;
      for (let j = 0; j < GH; j++) g[o + j] = g[o + j]! + b[j]!;
    }
  }

  /** Runs steps 0..T−1 once the input projection is in `cache.gates`. */
  forwardSequence(cache: LayerCache): void {
    for (let t = 0; t < cache.T; t++) this.forwardStep(cache, t);
  }

  forwardStep(cache: LayerCache, t: number): void {
    const { B, k, w } = cache;
    const m = k.cell;
    const { H, GH } = this;
    const g = t * B * GH;
    const ho = t * B * H;
    const hPrev = t === 0 ? cache.h0 : cache.out;
    const hp = t === 0 ? 0 : ho - B * H;
    const { gates, out } = cache;
    switch (this.cell) {
      case 'rnn': {
        k.gemmABt(B, H, H, hPrev, hp, H, w.WhT, 0, H, gates, g, H, true);
        m.tanhInto(B * H, gates, g, out, ho);
        return;
      }
      case 'gru': {
        const aux = cache.aux;
        // z and r first: the candidate needs r.
        k.gemmABt(B, 2 * H, H, hPrev, hp, H, w.WhT, 0, H, gates, g, GH, true);
        m.sigmoidCols(B, 2 * H, GH, gates, g);
        if (this.lbr === 0) {
          m.gruResetState(B, H, GH, gates, g, hPrev, hp, aux, ho);
          k.gemmABt(B, H, H, aux, ho, H, w.WhT, 2 * H * H, H, gates, g + 2 * H, GH, true);
          m.tanhCols(B, H, GH, gates, g + 2 * H);
        } else {
          k.gemmABt(B, H, H, hPrev, hp, H, w.WhT, 2 * H * H, H, aux, ho, H, false);
          m.gruCandidateAfterReset(B, H, GH, gates, g, aux, ho, this.bhn!);
        }
        m.gruOutput(B, H, GH, gates, g, hPrev, hp, out, ho);
        return;
      }
      case 'lstm': {
        const cPrev = t === 0 ? cache.c0 : cache.c;
        k.gemmABt(B, GH, H, hPrev, hp, H, w.WhT, 0, H, gates, g, GH, true);
        m.lstmForward(B, H, gates, g, cPrev, hp, cache.c, cache.tanhC, out, ho);
        return;
      }
    }
  }

  /**
   * Truncated BPTT through this layer: `grad.dOut` holds ∂L/∂h_t from above for
   * every step; no gradient enters from beyond step T−1 (the batch boundary),
   * and none leaves into the detached initial state. Fills the weight gradients
   * (overwriting) and, when `dInput` is given, ∂L/∂x_t [T·B, in].
   */
  backwardSequence(cache: LayerCache, input: FloatArray | null, tokens: Int32Array, dInput: FloatArray | null): void {
    const { B, T } = cache;
    const { H, GH, inSize } = this;
    const TB = T * B;
    const grad = cache.grad;
    const { dOut, dhIn, dh } = grad;
    dh.fill(0);
    if (this.cell === 'lstm') grad.dc.fill(0);
    for (let t = T - 1; t >= 0; t--) {
      const o = t * B * H;
      cache.k.cell.addInto(B * H, dOut, o, dh, dhIn);
      this.backwardStep(cache, t);
    }

    const { dA, dAT, hPrevT } = grad;
    cache.k.transpose(TB, GH, dA, 0, GH, dAT, 0, TB);
    cache.k.transpose(B, H, cache.h0, 0, H, hPrevT, 0, TB);
    cache.k.transpose(TB - B, H, cache.out, 0, H, hPrevT, B, TB);
    if (this.cell === 'gru') {
      cache.k.gemmABt(H, 2 * H, TB, hPrevT, 0, TB, dAT, 0, TB, cache.w.gWh, 0, GH, false);
      if (this.lbr === 0) {
        cache.k.transpose(TB, H, cache.aux, 0, H, grad.auxT, 0, TB);
        cache.k.gemmABt(H, H, TB, grad.auxT, 0, TB, dAT, 2 * H * TB, TB, cache.w.gWh, 2 * H, GH, false);
      } else {
        cache.k.transpose(TB, H, grad.dHN, 0, H, grad.dHNT, 0, TB);
        cache.k.gemmABt(H, H, TB, hPrevT, 0, TB, grad.dHNT, 0, TB, cache.w.gWh, 2 * H, GH, false);
        cache.k.columnSums(TB, H, grad.dHN, 0, H, cache.w.gbhn!, 0, false);
      }
    } else {
      cache.k.gemmABt(H, GH, TB, hPrevT, 0, TB, dAT, 0, TB, cache.w.gWh, 0, GH, false);
    }
    cache.k.columnSums(TB, GH, dA, 0, GH, cache.w.gb, 0, false);
    if (input === null) {
      const gWx = cache.w.gWx;
      gWx.fill(0);
      for (let r = 0; r < TB; r++) {
        const w = tokens[r]! * GH;
        const o = r * GH;
        for (let j = 0; j < GH; j++) gWx[w + j] = gWx[w + j]! + dA[o + j]!;
      }
    } else {
      cache.k.transpose(TB, inSize, input, 0, inSize, grad.inT, 0, TB);
      cache.k.gemmABt(inSize, GH, TB, grad.inT, 0, TB, dAT, 0, TB, cache.w.gWx, 0, GH, false);
    }
    if (dInput !== null) cache.k.gemmABt(TB, inSize, GH, dA, 0, GH, cache.w.Wx, 0, GH, dInput, 0, inSize, false);
  }

  /** One step back: reads ∂L/∂h_t from `dhIn` (and ∂L/∂c_t from `dc`), writes the gate gradients and ∂L/∂h_{t−1} into `dh`. */
  backwardStep(cache: LayerCache, t: number): void {
    const { B, k, w } = cache;
    const m = k.cell;
    const { H, GH } = this;
    const grad = cache.grad;
    const { dA, dhIn, dh } = grad;
    const g = t * B * GH;
    const ho = t * B * H;
    const hPrev = t === 0 ? cache.h0 : cache.out;
    const hp = t === 0 ? 0 : ho - B * H;
    const gates = cache.gates;
    switch (this.cell) {
      case 'rnn': {
        m.rnnBackward(B * H, dhIn, cache.out, ho, dA, g);
        k.gemmABt(B, H, H, dA, g, H, w.Wh, 0, H, dh, 0, H, false);
        return;
      }
      case 'gru': {
        const lbr1 = this.lbr === 1;
        m.gruBackward(B, H, GH, lbr1, gates, g, hPrev, hp, dhIn, dA, dh, cache.aux, grad.dHN, ho);
        if (lbr1) {
          k.gemmABt(B, H, H, grad.dHN, ho, H, w.Wh, 2 * H, GH, dh, 0, H, true);
        } else {
          // ∂L/∂(r ⊙ h_{t−1}) = da_h W_hhᵀ splits into the reset gate and the state.
          const drh = grad.scratch;
          k.gemmABt(B, H, H, dA, g + 2 * H, GH, w.Wh, 2 * H, GH, drh, 0, H, false);
          m.gruBackwardReset(B, H, GH, gates, g, hPrev, hp, drh, dA, dh);
        }
        k.gemmABt(B, H, 2 * H, dA, g, GH, w.Wh, 0, GH, dh, 0, H, true);
        return;
      }
      case 'lstm': {
        const cPrev = t === 0 ? cache.c0 : cache.c;
        m.lstmBackward(B, H, gates, g, cPrev, hp, cache.tanhC, ho, dhIn, grad.dc, dA);
        k.gemmABt(B, H, GH, dA, g, GH, w.Wh, 0, GH, dh, 0, H, false);
        return;
      }
    }
  }
}
