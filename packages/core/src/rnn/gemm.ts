import { SeqlmError } from '../errors/index.ts';
import type { FloatArray } from './float-array.ts';

/** One strided matrix operand: element (i, k) is `data[offset + i * stride + k]`. */
export function checkOperand(name: string, data: FloatArray, offset: number, stride: number, rows: number, cols: number): void {
  if (rows === 0 || cols === 0) return;
  const last = offset + (rows - 1) * stride + cols;
  if (offset < 0 || stride < cols || last > data.length) {
    throw new SeqlmError('SHAPE_MISMATCH', `gemm operand ${name} [${rows}, ${cols}] (offset ${offset}, stride ${stride}) does not fit an array of ${data.length}`);
  }
}

/**
 * C = A · Bᵀ (or C += A · Bᵀ when `accumulate`), with A [M, K], B [N, K], C [M, N].
 *
 * Both operands are read along contiguous rows, so each output element is a
 * dot product; a 4×3 register tile loads 7 values per 12 multiply-adds and keeps
 * the partial sums in locals (doubles in V8), which is what makes plain JS reach
 * a few GMAC/s. The main tile is 4×3 (12 accumulators + 7 operands nearly fit
 * the 16 x64 vector registers; 4×4 spills and measured ~7% slower); leftover
 * rows use 1×4 dot products, which is all of batch-1 generation. Callers keep
 * a transposed copy of a weight when they need A · W.
 */
export function gemmABt(
  M: number,
  N: number,
  K: number,
  A: FloatArray,
  aOff: number,
  lda: number,
  B: FloatArray,
  bOff: number,
  ldb: number,
  C: FloatArray,
  cOff: number,
  ldc: number,
  accumulate: boolean,
): void {
  checkOperand('A', A, aOff, lda, M, K);
  checkOperand('B', B, bOff, ldb, N, K);
  checkOperand('C', C, cOff, ldc, M, N);
  const M4 = M - (M % 4);
  const N3 = N - (N % 3);
  const N4 = N - (N % 4);
  let i = 0;
  for (; i < M4; i += 4) {
    const a0 = aOff + i * lda;
    const a1 = a0 + lda;
    const a2 = a1 + lda;
    const a3 = a2 + lda;
    let j = 0;
    for (; j < N3; j += 3) {
      const b0 = bOff + j * ldb;
      const b1 = b0 + ldb;
      const b2 = b1 + ldb;
      let c00 = 0, c01 = 0, c02 = 0;
      let c10 = 0, c11 = 0, c12 = 0;
      let c20 = 0, c21 = 0, c22 = 0;
      let c30 = 0, c31 = 0, c32 = 0;
      for (let k = 0; k < K; k++) {
        const x0 = A[a0 + k]!, x1 = A[a1 + k]!, x2 = A[a2 + k]!, x3 = A[a3 + k]!;
        const y0 = B[b0 + k]!, y1 = B[b1 + k]!, y2 = B[b2 + k]!;
        c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2;
        c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2;
        c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2;
        c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2;
      }
      const o0 = cOff + i * ldc + j;
      const o1 = o0 + ldc;
      const o2 = o1 + ldc;
      const o3 = o2 + ldc;
      if (accumulate) {
        C[o0] = C[o0]! + c00; C[o0 + 1] = C[o0 + 1]! + c01; C[o0 + 2] = C[o0 + 2]! + c02;
        C[o1] = C[o1]! + c10; C[o1 + 1] = C[o1 + 1]! + c11; C[o1 + 2] = C[o1 + 2]! + c12;
        C[o2] = C[o2]! + c20; C[o2 + 1] = C[o2 + 1]! + c21; C[o2 + 2] = C[o2 + 2]! + c22;
        C[o3] = C[o3]! + c30; C[o3 + 1] = C[o3 + 1]! + c31; C[o3 + 2] = C[o3 + 2]! + c32;
      } else {
        C[o0] = c00; C[o0 + 1] = c01; C[o0 + 2] = c02;
        C[o1] = c10; C[o1 + 1] = c11; C[o1 + 2] = c12;
        C[o2] = c20; C[o2 + 1] = c21; C[o2 + 2] = c22;
        C[o3] = c30; C[o3 + 1] = c31; C[o3 + 2] = c32;
      }
    }
    // Leftover columns: 4 rows × 1 column.
    for (; j < N; j++) {
      const b0 = bOff + j * ldb;
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      for (let k = 0; k < K; k++) {
        const y = B[b0 + k]!;
        c0 += A[a0 + k]! * y; c1 += A[a1 + k]! * y; c2 += A[a2 + k]! * y; c3 += A[a3 + k]! * y;
      }
      const o = cOff + i * ldc + j;
      if (accumulate) {
        C[o] = C[o]! + c0; C[o + ldc] = C[o + ldc]! + c1; C[o + 2 * ldc] = C[o + 2 * ldc]! + c2; C[o + 3 * ldc] = C[o + 3 * ldc]! + c3;
      } else {
        C[o] = c0; C[o + ldc] = c1; C[o + 2 * ldc] = c2; C[o + 3 * ldc] = c3;
      }
    }
  }
  // Leftover rows (all rows when M < 4, as in batch-1 generation): 1 row × 4 columns.
  for (; i < M; i++) {
    const a0 = aOff + i * lda;
    const o = cOff + i * ldc;
    let j = 0;
    for (; j < N4; j += 4) {
      const b0 = bOff + j * ldb;
      const b1 = b0 + ldb;
      const b2 = b1 + ldb;
      const b3 = b2 + ldb;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let k = 0; k < K; k++) {
        const x = A[a0 + k]!;
        s0 += x * B[b0 + k]!; s1 += x * B[b1 + k]!; s2 += x * B[b2 + k]!; s3 += x * B[b3 + k]!;
      }
      if (accumulate) {
        C[o + j] = C[o + j]! + s0; C[o + j + 1] = C[o + j + 1]! + s1; C[o + j + 2] = C[o + j + 2]! + s2; C[o + j + 3] = C[o + j + 3]! + s3;
      } else {
        C[o + j] = s0; C[o + j + 1] = s1; C[o + j + 2] = s2; C[o + j + 3] = s3;
      }
    }
    for (; j < N; j++) {
      const b0 = bOff + j * ldb;
      let s = 0;
      for (let k = 0; k < K; k++) s += A[a0 + k]! * B[b0 + k]!;
      if (accumulate) C[o + j] = C[o + j]! + s;
      else C[o + j] = s;
    }
  }
}

/** dst[c, r] = src[r, c] for a [rows, cols] block; strides are row lengths. */
export function transpose(
  rows: number,
  cols: number,
  src: FloatArray,
  srcOff: number,
  lds: number,
  dst: FloatArray,
  dstOff: number,
  ldd: number,
): void {
  checkOperand('src', src, srcOff, lds, rows, cols);
  checkOperand('dst', dst, dstOff, ldd, cols, rows);
  for (let r = 0; r < rows; r++) {
    const s = srcOff + r * lds;
    let d = dstOff + r;
    for (let c = 0; c < cols; c++, d += ldd) dst[d] = src[s + c]!;
  }
}

/** out[c] (+)= Σ_r X[r, c] for X [rows, cols] with row stride `ld`: bias gradients. */
export function columnSums(rows: number, cols: number, X: FloatArray, xOff: number, ld: number, out: FloatArray, outOff: number, accumulate: boolean): void {
  checkOperand('X', X, xOff, ld, rows, cols);
  checkOperand('out', out, outOff, cols, 1, cols);
  if (!accumulate) out.fill(0, outOff, outOff + cols);
  for (let r = 0; r < rows; r++) {
    const x = xOff + r * ld;
    for (let c = 0; c < cols; c++) out[outOff + c] = out[outOff + c]! + X[x + c]!;
  }
}
