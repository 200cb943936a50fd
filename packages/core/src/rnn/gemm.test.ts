import { describe, expect, it } from 'vitest';
import { SeqlmError } from '../errors/index.ts';
import { Rng } from '../random/index.ts';
import { columnSums, gemmABt, transpose } from './gemm.ts';

function naive(M: number, N: number, K: number, A: Float64Array, aOff: number, lda: number, B: Float64Array, bOff: number, ldb: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += A[aOff + i * lda + k]! * B[bOff + j * ldb + k]!;
      out.push(s);
    }
  }
  return out;
}

describe('gemmABt', () => {
  const rng = new Rng(3);
  // Sizes around the 4×3 tile (and 1-row generation) so every leftover path runs.
  const sizes = [
    [1, 1, 1],
    [1, 7, 5],
    [4, 3, 8],
    [5, 4, 3],
    [7, 11, 6],
    [8, 12, 16],
    [3, 2, 9],
  ] as const;
  for (const [M, N, K] of sizes) {
    it(`matches the triple loop for M=${M}, N=${N}, K=${K} with offsets, strides and accumulation`, () => {
      const lda = K + 2;
      const ldb = K + 1;
      const ldc = N + 3;
      const A = Float64Array.from({ length: 5 + M * lda }, () => rng.uniform(-1, 1));
      const B = Float64Array.from({ length: 2 + N * ldb }, () => rng.uniform(-1, 1));
      const C = Float64Array.from({ length: 4 + M * ldc }, () => rng.uniform(-1, 1));
      const before = C.slice();
      const expected = naive(M, N, K, A, 5, lda, B, 2, ldb);
      gemmABt(M, N, K, A, 5, lda, B, 2, ldb, C, 4, ldc, false);
      for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) expect(C[4 + i * ldc + j]).toBeCloseTo(expected[i * N + j]!, 12);
      // Padding between rows and before the offset is untouched.
      for (let i = 0; i < 4; i++) expect(C[i]).toBe(before[i]);
      for (let i = 0; i < M; i++) for (let j = N; j < ldc && 4 + i * ldc + j < C.length; j++) expect(C[4 + i * ldc + j]).toBe(before[4 + i * ldc + j]);
      const once = C.slice();
      gemmABt(M, N, K, A, 5, lda, B, 2, ldb, C, 4, ldc, true);
      for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) expect(C[4 + i * ldc + j]).toBeCloseTo(2 * once[4 + i * ldc + j]!, 12);
    });
  }

  it('rejects operands that do not fit their arrays', () => {
    const a = new Float32Array(6);
    expect(() => gemmABt(2, 2, 4, a, 0, 4, a, 0, 4, a, 0, 2, false)).toThrow(SeqlmError);
    // A row stride shorter than the row (lda 2 < K 3) is refused too.
    expect(() => gemmABt(2, 2, 3, a, 0, 2, a, 0, 3, a, 0, 2, false)).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
  });
});

describe('transpose and columnSums', () => {
  it('transposes a strided block', () => {
    // [2, 3] block at offset 1 with row stride 4.
    const src = Float32Array.from([9, 1, 2, 3, 9, 4, 5, 6]);
    const dst = new Float32Array(6);
    transpose(2, 3, src, 1, 4, dst, 0, 2);
    expect([...dst]).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('sums columns, overwriting or accumulating', () => {
    const x = Float64Array.from([1, 2, 3, 4, 5, 6]);
    const out = Float64Array.from([10, 10, 10]);
    columnSums(2, 3, x, 0, 3, out, 0, false);
    expect([...out]).toEqual([5, 7, 9]);
    columnSums(2, 3, x, 0, 3, out, 0, true);
    expect([...out]).toEqual([10, 14, 18]);
  });
});
