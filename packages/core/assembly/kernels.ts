// Float32 kernels for @seqlm/core's RNN training, compiled to WebAssembly
// (128-bit SIMD, and relaxed-SIMD fused multiply-add in the second build).
// Pointers are byte offsets into the imported memory; strides are in elements.
// The readable reference of every kernel is the TypeScript in src/rnn/.

@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

@inline function hsum(v: v128): f32 {
  const s = f32x4.add(v, i32x4.shuffle(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1);
}

@inline function put(p: usize, v: f32, acc: bool): void {
  store<f32>(p, acc ? load<f32>(p) + v : v);
}

/**
 * C = A·Bᵀ (or C += A·Bᵀ), A [M, K], B [N, K], C [M, N]: each output is a dot
 * product of two contiguous rows, vectorised along k. Tiles of 4 rows × 2
 * columns keep 8 f32x4 accumulators and 6 operands in the 16 vector registers.
 */
export function gemm_abt(M: i32, N: i32, K: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, acc: bool): void {
  const K4 = K & ~3;
  const sa = <usize>lda << 2;
  const sb = <usize>ldb << 2;
  const sc = <usize>ldc << 2;
  let i = 0;
  for (; i + 4 <= M; i += 4) {
    const a0 = a + <usize>i * sa;
    const a1 = a0 + sa;
    const a2 = a1 + sa;
    const a3 = a2 + sa;
    const c0 = c + <usize>i * sc;
    let j = 0;
    for (; j + 2 <= N; j += 2) {
      const b0 = b + <usize>j * sb;
      const b1 = b0 + sb;
      let s00 = f32x4.splat(0), s01 = f32x4.splat(0);
      let s10 = f32x4.splat(0), s11 = f32x4.splat(0);
      let s20 = f32x4.splat(0), s21 = f32x4.splat(0);
      let s30 = f32x4.splat(0), s31 = f32x4.splat(0);
      for (let k: usize = 0; k < <usize>K4 << 2; k += 16) {
        const y0 = v128.load(b0 + k);
        const y1 = v128.load(b1 + k);
        let x = v128.load(a0 + k);
        s00 = madd(x, y0, s00); s01 = madd(x, y1, s01);
        x = v128.load(a1 + k);
        s10 = madd(x, y0, s10); s11 = madd(x, y1, s11);
        x = v128.load(a2 + k);
        s20 = madd(x, y0, s20); s21 = madd(x, y1, s21);
        x = v128.load(a3 + k);
        s30 = madd(x, y0, s30); s31 = madd(x, y1, s31);
      }
      let t00 = hsum(s00), t01 = hsum(s01), t10 = hsum(s10), t11 = hsum(s11);
      let t20 = hsum(s20), t21 = hsum(s21), t30 = hsum(s30), t31 = hsum(s31);
      for (let k = K4; k < K; k++) {
        const o = <usize>k << 2;
        const y0 = load<f32>(b0 + o), y1 = load<f32>(b1 + o);
        const x0 = load<f32>(a0 + o), x1 = load<f32>(a1 + o), x2 = load<f32>(a2 + o), x3 = load<f32>(a3 + o);
        t00 += x0 * y0; t01 += x0 * y1; t10 += x1 * y0; t11 += x1 * y1;
        t20 += x2 * y0; t21 += x2 * y1; t30 += x3 * y0; t31 += x3 * y1;
      }
      const o = c0 + (<usize>j << 2);
      put(o, t00, acc); put(o + 4, t01, acc);
      put(o + sc, t10, acc); put(o + sc + 4, t11, acc);
      put(o + 2 * sc, t20, acc); put(o + 2 * sc + 4, t21, acc);
      put(o + 3 * sc, t30, acc); put(o + 3 * sc + 4, t31, acc);
    }
    for (; j < N; j++) {
      const b0 = b + <usize>j * sb;
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
      for (let k: usize = 0; k < <usize>K4 << 2; k += 16) {
        const y = v128.load(b0 + k);
        s0 = madd(v128.load(a0 + k), y, s0);
        s1 = madd(v128.load(a1 + k), y, s1);
        s2 = madd(v128.load(a2 + k), y, s2);
        s3 = madd(v128.load(a3 + k), y, s3);
      }
      let t0 = hsum(s0), t1 = hsum(s1), t2 = hsum(s2), t3 = hsum(s3);
      for (let k = K4; k < K; k++) {
        const o = <usize>k << 2;
        const y = load<f32>(b0 + o);
        t0 += load<f32>(a0 + o) * y; t1 += load<f32>(a1 + o) * y; t2 += load<f32>(a2 + o) * y; t3 += load<f32>(a3 + o) * y;
      }
      const o = c0 + (<usize>j << 2);
      put(o, t0, acc); put(o + sc, t1, acc); put(o + 2 * sc, t2, acc); put(o + 3 * sc, t3, acc);
    }
  }
  for (; i < M; i++) {
    const a0 = a + <usize>i * sa;
    const c0 = c + <usize>i * sc;
    for (let j = 0; j < N; j++) {
      const b0 = b + <usize>j * sb;
      let s = f32x4.splat(0);
      for (let k: usize = 0; k < <usize>K4 << 2; k += 16) s = madd(v128.load(a0 + k), v128.load(b0 + k), s);
      let t = hsum(s);
      for (let k = K4; k < K; k++) t += load<f32>(a0 + (<usize>k << 2)) * load<f32>(b0 + (<usize>k << 2));
      put(c0 + (<usize>j << 2), t, acc);
    }
  }
}

/** dst[c, r] = src[r, c] for a [rows, cols] block. */
export function transpose(rows: i32, cols: i32, src: usize, lds: i32, dst: usize, ldd: i32): void {
  const ss = <usize>lds << 2;
  const sd = <usize>ldd << 2;
  for (let r = 0; r < rows; r++) {
    const s = src + <usize>r * ss;
    let d = dst + (<usize>r << 2);
    for (let c = 0; c < cols; c++, d += sd) store<f32>(d, load<f32>(s + (<usize>c << 2)));
  }
}

/** out[c] (+)= Σ_r X[r, c]. */
export function column_sums(rows: i32, cols: i32, x: usize, ld: i32, out: usize, acc: bool): void {
  const sx = <usize>ld << 2;
  if (!acc) memory.fill(out, 0, <usize>cols << 2);
  const C4 = cols & ~3;
  for (let r = 0; r < rows; r++) {
    const p = x + <usize>r * sx;
    let c = 0;
    for (; c < C4; c += 4) {
      const o = out + (<usize>c << 2);
      v128.store(o, f32x4.add(v128.load(o), v128.load(p + (<usize>c << 2))));
    }
    for (; c < cols; c++) {
      const o = out + (<usize>c << 2);
      store<f32>(o, load<f32>(o) + load<f32>(p + (<usize>c << 2)));
    }
  }
}

// Per-timestep gate arithmetic: the same loops as src/rnn/cell-math.ts (the
// reference), on byte pointers to the first element of each block.

@inline function ld(p: usize, i: i32): f32 {
  return load<f32>(p + (<usize>i << 2));
}

@inline function st(p: usize, i: i32, v: f32): void {
  store<f32>(p + (<usize>i << 2), v);
}

@inline function sigmoid(x: f32): f32 {
  return <f32>1 / (<f32>1 + Mathf.exp(-x));
}

export function tanh_into(n: i32, a: usize, out: usize): void {
  for (let i = 0; i < n; i++) st(out, i, Mathf.tanh(ld(a, i)));
}

export function sigmoid_cols(B: i32, cols: i32, GH: i32, g: usize): void {
  for (let b = 0; b < B; b++) {
    const o = g + ((<usize>b * GH) << 2);
    for (let j = 0; j < cols; j++) st(o, j, sigmoid(ld(o, j)));
  }
}

export function tanh_cols(B: i32, cols: i32, GH: i32, g: usize): void {
  for (let b = 0; b < B; b++) {
    const o = g + ((<usize>b * GH) << 2);
    for (let j = 0; j < cols; j++) st(o, j, Mathf.tanh(ld(o, j)));
  }
}

export function gru_reset_state(B: i32, H: i32, GH: i32, g: usize, hPrev: usize, aux: usize): void {
  for (let b = 0; b < B; b++) {
    const o = g + ((<usize>(b * GH + H)) << 2);
    const h = hPrev + ((<usize>b * H) << 2);
    const a = aux + ((<usize>b * H) << 2);
    for (let j = 0; j < H; j++) st(a, j, ld(o, j) * ld(h, j));
  }
}

export function gru_candidate_after_reset(B: i32, H: i32, GH: i32, g: usize, aux: usize, bhn: usize): void {
  for (let b = 0; b < B; b++) {
    const o = g + ((<usize>b * GH) << 2);
    const a = aux + ((<usize>b * H) << 2);
    for (let j = 0; j < H; j++) {
      const hn = ld(a, j) + ld(bhn, j);
      st(a, j, hn);
      st(o, 2 * H + j, Mathf.tanh(ld(o, 2 * H + j) + ld(o, H + j) * hn));
    }
  }
}

export function gru_output(B: i32, H: i32, GH: i32, g: usize, hPrev: usize, out: usize): void {
  for (let b = 0; b < B; b++) {
    const o = g + ((<usize>b * GH) << 2);
    const h = hPrev + ((<usize>b * H) << 2);
    const a = out + ((<usize>b * H) << 2);
    for (let j = 0; j < H; j++) {
      const z = ld(o, j);
      st(a, j, z * ld(h, j) + (<f32>1 - z) * ld(o, 2 * H + j));
    }
  }
}

export function lstm_forward(B: i32, H: i32, g: usize, cPrev: usize, c: usize, tanhC: usize, out: usize): void {
  const GH = 4 * H;
  for (let b = 0; b < B; b++) {
    const o = g + ((<usize>b * GH) << 2);
    const h = cPrev + ((<usize>b * H) << 2);
    const s = (<usize>b * H) << 2;
    for (let j = 0; j < H; j++) {
      const ig = sigmoid(ld(o, j));
      const fg = sigmoid(ld(o, H + j));
      const cc = Mathf.tanh(ld(o, 2 * H + j));
      const og = sigmoid(ld(o, 3 * H + j));
      st(o, j, ig);
      st(o, H + j, fg);
      st(o, 2 * H + j, cc);
      st(o, 3 * H + j, og);
      const ct = fg * ld(h, j) + ig * cc;
      const tc = Mathf.tanh(ct);
      st(c + s, j, ct);
      st(tanhC + s, j, tc);
      st(out + s, j, og * tc);
    }
  }
}

export function rnn_backward(n: i32, dhIn: usize, out: usize, dA: usize): void {
  for (let i = 0; i < n; i++) {
    const h = ld(out, i);
    st(dA, i, ld(dhIn, i) * (<f32>1 - h * h));
  }
}

export function gru_backward(B: i32, H: i32, GH: i32, lbr1: bool, g: usize, hPrev: usize, dhIn: usize, dA: usize, dh: usize, aux: usize, dHN: usize): void {
  for (let b = 0; b < B; b++) {
    const o = (<usize>b * GH) << 2;
    const h = hPrev + ((<usize>b * H) << 2);
    const s = (<usize>b * H) << 2;
    for (let j = 0; j < H; j++) {
      const d = ld(dhIn + s, j);
      const z = ld(g + o, j);
      const n = ld(g + o, 2 * H + j);
      const dan = d * (<f32>1 - z) * (<f32>1 - n * n);
      st(dA + o, j, d * (ld(h, j) - n) * z * (<f32>1 - z));
      st(dA + o, 2 * H + j, dan);
      st(dh + s, j, d * z);
      if (lbr1) {
        const r = ld(g + o, H + j);
        st(dA + o, H + j, dan * ld(aux + s, j) * r * (<f32>1 - r));
        st(dHN + s, j, dan * r);
      }
    }
  }
}

export function gru_backward_reset(B: i32, H: i32, GH: i32, g: usize, hPrev: usize, drh: usize, dA: usize, dh: usize): void {
  for (let b = 0; b < B; b++) {
    const o = (<usize>(b * GH + H)) << 2;
    const h = hPrev + ((<usize>b * H) << 2);
    const s = (<usize>b * H) << 2;
    for (let j = 0; j < H; j++) {
      const r = ld(g + o, j);
      const d = ld(drh + s, j);
      st(dA + o, j, d * ld(h, j) * r * (<f32>1 - r));
      st(dh + s, j, ld(dh + s, j) + d * r);
    }
  }
}

export function lstm_backward(B: i32, H: i32, g: usize, cPrev: usize, tanhC: usize, dhIn: usize, dc: usize, dA: usize): void {
  const GH = 4 * H;
  for (let b = 0; b < B; b++) {
    const o = (<usize>b * GH) << 2;
    const h = cPrev + ((<usize>b * H) << 2);
    const s = (<usize>b * H) << 2;
    for (let j = 0; j < H; j++) {
      const d = ld(dhIn + s, j);
      const ig = ld(g + o, j);
      const fg = ld(g + o, H + j);
      const cc = ld(g + o, 2 * H + j);
      const og = ld(g + o, 3 * H + j);
      const tc = ld(tanhC + s, j);
      const dct = ld(dc + s, j) + d * og * (<f32>1 - tc * tc);
      st(dA + o, j, dct * cc * ig * (<f32>1 - ig));
      st(dA + o, H + j, dct * ld(h, j) * fg * (<f32>1 - fg));
      st(dA + o, 2 * H + j, dct * ig * (<f32>1 - cc * cc));
      st(dA + o, 3 * H + j, d * tc * og * (<f32>1 - og));
      st(dc + s, j, dct * fg);
    }
  }
}

export function add_into(n: i32, a: usize, b: usize, out: usize): void {
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.add(v128.load(a + o), v128.load(b + o)));
  }
  for (; i < n; i++) st(out, i, ld(a, i) + ld(b, i));
}
