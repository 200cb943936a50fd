import type { FloatArray } from './float-array.ts';

/**
 * The per-timestep gate arithmetic of the cells, forward and backward, on one
 * [B, ·] block of a step (the matrix products are in gemm.ts). Every argument
 * after the sizes is an array and the element offset of the block in it; row
 * stride is G·H (`GH`) for gate buffers and H for state buffers. These loops
 * are the readable reference; wasm-kernels.ts runs the same arithmetic in
 * WebAssembly, and the tests hold one against the other.
 */
export interface CellMath {
  /** RNN: out = tanh(a) over n elements, a and out contiguous. */
  tanhInto(n: number, a: FloatArray, aOff: number, out: FloatArray, oOff: number): void;
  /** σ in place over the first `cols` columns of B rows of stride GH. */
  sigmoidCols(B: number, cols: number, GH: number, g: FloatArray, gOff: number): void;
  /** tanh in place over `cols` columns starting at gOff in B rows of stride GH. */
  tanhCols(B: number, cols: number, GH: number, g: FloatArray, gOff: number): void;
  /** GRU (linearBeforeReset 0): aux = r ⊙ h_{t−1}, r at column H of the gate rows. */
  gruResetState(B: number, H: number, GH: number, g: FloatArray, gOff: number, hPrev: FloatArray, hp: number, aux: FloatArray, ao: number): void;
  /** GRU (linearBeforeReset 1): aux ← aux + b_hn; n = tanh(a_n + r ⊙ aux). */
  gruCandidateAfterReset(B: number, H: number, GH: number, g: FloatArray, gOff: number, aux: FloatArray, ao: number, bhn: FloatArray): void;
  /** GRU: h_t = z ⊙ h_{t−1} + (1 − z) ⊙ n. */
  gruOutput(B: number, H: number, GH: number, g: FloatArray, gOff: number, hPrev: FloatArray, hp: number, out: FloatArray, oOff: number): void;
  /** LSTM: activates [i, f, c̃, o] in place, c_t = f ⊙ c_{t−1} + i ⊙ c̃, h_t = o ⊙ tanh(c_t). */
  lstmForward(B: number, H: number, g: FloatArray, gOff: number, cPrev: FloatArray, cp: number, c: FloatArray, tanhC: FloatArray, out: FloatArray, oOff: number): void;
  /** RNN backward: dA = dh ⊙ (1 − h²). */
  rnnBackward(n: number, dhIn: FloatArray, out: FloatArray, oOff: number, dA: FloatArray, dOff: number): void;
  /**
   * GRU backward through h_t = z ⊙ h_{t−1} + (1 − z) ⊙ n: da_z, da_n, dh = d ⊙ z and,
   * for linearBeforeReset 1, da_r and ∂L/∂(h W_hn + b_hn) into dHN.
   */
  gruBackward(B: number, H: number, GH: number, lbr1: boolean, g: FloatArray, gOff: number, hPrev: FloatArray, hp: number, dhIn: FloatArray, dA: FloatArray, dh: FloatArray, aux: FloatArray, dHN: FloatArray, ao: number): void;
  /** GRU backward (linearBeforeReset 0), from drh = ∂L/∂(r ⊙ h_{t−1}): da_r, and dh += drh ⊙ r. */
  gruBackwardReset(B: number, H: number, GH: number, g: FloatArray, gOff: number, hPrev: FloatArray, hp: number, drh: FloatArray, dA: FloatArray, dh: FloatArray): void;
  /** LSTM backward: gate gradients into dA, and dc ← ∂L/∂c_{t−1}. */
  lstmBackward(B: number, H: number, g: FloatArray, gOff: number, cPrev: FloatArray, cp: number, tanhC: FloatArray, to: number, dhIn: FloatArray, dc: FloatArray, dA: FloatArray): void;
  /** out = a + b over n elements. */
  addInto(n: number, a: FloatArray, aOff: number, b: FloatArray, out: FloatArray): void;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

export const tsCellMath: CellMath = {
  tanhInto(n, a, aOff, out, oOff) {
    for (let i = 0; i < n; i++) out[oOff + i] = Math.tanh(a[aOff + i]!);
  },
  sigmoidCols(B, cols, GH, g, gOff) {
    for (let bi = 0; bi < B; bi++) {
      const o = gOff + bi * GH;
      for (let j = 0; j < cols; j++) g[o + j] = sigmoid(g[o + j]!);
    }
  },
  tanhCols(B, cols, GH, g, gOff) {
    for (let bi = 0; bi < B; bi++) {
      const o = gOff + bi * GH;
      for (let j = 0; j < cols; j++) g[o + j] = Math.tanh(g[o + j]!);
    }
  },
  gruResetState(B, H, GH, g, gOff, hPrev, hp, aux, ao) {
    for (let bi = 0; bi < B; bi++) {
      const o = gOff + bi * GH + H;
      const h = hp + bi * H;
      const a = ao + bi * H;
      for (let j = 0; j < H; j++) aux[a + j] = g[o + j]! * hPrev[h + j]!;
    }
  },
  gruCandidateAfterReset(B, H, GH, g, gOff, aux, ao, bhn) {
    for (let bi = 0; bi < B; bi++) {
      const o = gOff + bi * GH;
      const a = ao + bi * H;
      for (let j = 0; j < H; j++) {
        const hn = aux[a + j]! + bhn[j]!;
        aux[a + j] = hn;
        g[o + 2 * H + j] = Math.tanh(g[o + 2 * H + j]! + g[o + H + j]! * hn);
      }
    }
  },
  gruOutput(B, H, GH, g, gOff, hPrev, hp, out, oOff) {
    for (let bi = 0; bi < B; bi++) {
      const o = gOff + bi * GH;
      const h = hp + bi * H;
      const a = oOff + bi * H;
      for (let j = 0; j < H; j++) {
        const z = g[o + j]!;
        out[a + j] = z * hPrev[h + j]! + (1 - z) * g[o + 2 * H + j]!;
      }
    }
  },
  lstmForward(B, H, g, gOff, cPrev, cp, c, tanhC, out, oOff) {
    const GH = 4 * H;
    for (let bi = 0; bi < B; bi++) {
      const o = gOff + bi * GH;
      const h = cp + bi * H;
      const a = oOff + bi * H;
      for (let j = 0; j < H; j++) {
        const ig = sigmoid(g[o + j]!);
        const fg = sigmoid(g[o + H + j]!);
        const cc = Math.tanh(g[o + 2 * H + j]!);
        const og = sigmoid(g[o + 3 * H + j]!);
        g[o + j] = ig;
        g[o + H + j] = fg;
        g[o + 2 * H + j] = cc;
        g[o + 3 * H + j] = og;
        const ct = fg * cPrev[h + j]! + ig * cc;
        const tc = Math.tanh(ct);
        c[a + j] = ct;
        tanhC[a + j] = tc;
        out[a + j] = og * tc;
      }
    }
  },
  rnnBackward(n, dhIn, out, oOff, dA, dOff) {
    for (let i = 0; i < n; i++) {
      const h = out[oOff + i]!;
      dA[dOff + i] = dhIn[i]! * (1 - h * h);
    }
  },
  gruBackward(B, H, GH, lbr1, g, gOff, hPrev, hp, dhIn, dA, dh, aux, dHN, ao) {
    for (let bi = 0; bi < B; bi++) {
      const o = gOff + bi * GH;
      const h = hp + bi * H;
      const s = bi * H;
      for (let j = 0; j < H; j++) {
        const d = dhIn[s + j]!;
        const z = g[o + j]!;
        const n = g[o + 2 * H + j]!;
        const dan = d * (1 - z) * (1 - n * n);
        dA[o + j] = d * (hPrev[h + j]! - n) * z * (1 - z);
        dA[o + 2 * H + j] = dan;
        dh[s + j] = d * z;
        if (lbr1) {
          const r = g[o + H + j]!;
          dA[o + H + j] = dan * aux[ao + s + j]! * r * (1 - r);
          dHN[ao + s + j] = dan * r;
        }
      }
    }
  },
  gruBackwardReset(B, H, GH, g, gOff, hPrev, hp, drh, dA, dh) {
    for (let bi = 0; bi < B; bi++) {
      const o = gOff + bi * GH + H;
      const h = hp + bi * H;
      const s = bi * H;
      for (let j = 0; j < H; j++) {
        const r = g[o + j]!;
        const d = drh[s + j]!;
        dA[o + j] = d * hPrev[h + j]! * r * (1 - r);
        dh[s + j] = dh[s + j]! + d * r;
      }
    }
  },
  lstmBackward(B, H, g, gOff, cPrev, cp, tanhC, to, dhIn, dc, dA) {
    const GH = 4 * H;
    for (let bi = 0; bi < B; bi++) {
      const o = gOff + bi * GH;
      const h = cp + bi * H;
      const s = bi * H;
      for (let j = 0; j < H; j++) {
        const d = dhIn[s + j]!;
        const ig = g[o + j]!;
        const fg = g[o + H + j]!;
        const cc = g[o + 2 * H + j]!;
        const og = g[o + 3 * H + j]!;
        const tc = tanhC[to + s + j]!;
        const dct = dc[s + j]! + d * og * (1 - tc * tc);
        dA[o + j] = dct * cc * ig * (1 - ig);
        dA[o + H + j] = dct * cPrev[h + j]! * fg * (1 - fg);
        dA[o + 2 * H + j] = dct * ig * (1 - cc * cc);
        dA[o + 3 * H + j] = d * tc * og * (1 - og);
        dc[s + j] = dct * fg;
      }
    }
  },
  addInto(n, a, aOff, b, out) {
    for (let i = 0; i < n; i++) out[i] = a[aOff + i]! + b[i]!;
  },
};
