import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generate, target } from '../../scripts/build-wasm.ts';
import { SeqlmError } from '../errors/index.ts';
import { Rng } from '../random/index.ts';
import { tsCellMath } from './cell-math.ts';
import type { FloatArray } from './float-array.ts';
import { columnSums, gemmABt, transpose } from './gemm.ts';
import { WasmKernels, wasmKernelsName } from './wasm-kernels.ts';

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('WebAssembly SIMD kernels', () => {
  it('compile in Node 22 (relaxed-SIMD where V8 has it)', () => {
    expect(wasmKernelsName()).toMatch(/^wasm-(relaxed-)?simd$/);
  });

  it('the committed wasm-bytes.ts is what AssemblyScript builds from assembly/kernels.ts today', () => {
    expect(readFileSync(target, 'utf8') === generate()).toBe(true);
  }, 120_000);

  const rng = new Rng(5);
  // Around the 4×2 tile and the 4-wide k vectors, so every leftover row, column and k path runs.
  const sizes = [
    [1, 1, 1],
    [1, 7, 5],
    [4, 2, 8],
    [5, 3, 3],
    [7, 11, 6],
    [9, 12, 17],
    [32, 30, 64],
  ] as const;
  for (const [M, N, K] of sizes) {
    it(`gemmABt agrees with the TypeScript reference for M=${M}, N=${N}, K=${K} (offsets, strides, accumulation)`, () => {
      const lda = K + 2;
      const ldb = K + 1;
      const ldc = N + 3;
      const k = new WasmKernels(4 * (5 + M * lda + 2 + N * ldb + 4 + M * ldc) + 64);
      const A = k.alloc(5 + M * lda);
      const B = k.alloc(2 + N * ldb);
      const C = k.alloc(4 + M * ldc);
      A.forEach((_, i) => (A[i] = rng.uniform(-1, 1)));
      B.forEach((_, i) => (B[i] = rng.uniform(-1, 1)));
      C.forEach((_, i) => (C[i] = rng.uniform(-1, 1)));
      for (const accumulate of [false, true]) {
        const expected = Float32Array.from(C);
        gemmABt(M, N, K, A, 5, lda, B, 2, ldb, expected, 4, ldc, accumulate);
        k.gemmABt(M, N, K, A, 5, lda, B, 2, ldb, C, 4, ldc, accumulate);
        // Summation order differs (4 partial sums per k vector), so allow float32 rounding of K terms.
        expect(maxAbsDiff(C, expected)).toBeLessThan(1e-5 * (K + 1));
        expect(C[0]).toBe(expected[0]); // untouched padding before the offset
      }
    });
  }

  it('transpose and columnSums match the reference exactly', () => {
    const k = new WasmKernels(4096 * 4);
    const X = k.alloc(3 + 7 * 9);
    X.forEach((_, i) => (X[i] = rng.uniform(-1, 1)));
    const T1 = k.alloc(6 * 7 + 1);
    const T2 = new Float32Array(6 * 7 + 1);
    k.transpose(7, 6, X, 3, 9, T1, 1, 7);
    transpose(7, 6, X, 3, 9, T2, 1, 7);
    expect(maxAbsDiff(T1, T2)).toBe(0);
    const s1 = k.alloc(6);
    s1.fill(1);
    const s2 = new Float32Array(6).fill(1);
    k.columnSums(7, 6, X, 3, 9, s1, 0, true);
    columnSums(7, 6, X, 3, 9, s2, 0, true);
    expect(maxAbsDiff(s1, s2)).toBe(0);
  });

  it('the gate arithmetic agrees with the reference loops over a wide input range (σ and tanh saturate, Mathf.exp tables intact)', () => {
    const B = 3;
    const H = 6;
    const k = new WasmKernels(1 << 16);
    const both = (n: number, lo = -12, hi = 12): [FloatArray, Float32Array] => {
      const w = k.alloc(n);
      for (let i = 0; i < n; i++) w[i] = lo + ((hi - lo) * ((i * 7919) % n)) / n;
      return [w, Float32Array.from(w)];
    };
    const check = (pairs: [FloatArray, Float32Array][]): void => {
      for (const [w, t] of pairs) expect(maxAbsDiff(w, t)).toBeLessThan(2e-6);
    };
    for (const G of [1, 3, 4]) {
      const GH = G * H;
      const g = both(2 + B * GH);
      const hp = both(1 + B * H, -1, 1);
      const c = both(2 + B * H);
      const tc = both(2 + B * H);
      const o = both(2 + B * H);
      const aux = both(2 + B * H);
      const bhn = both(H);
      if (G === 1) {
        k.cell.tanhInto(B * H, g[0], 2, o[0], 1);
        tsCellMath.tanhInto(B * H, g[1], 2, o[1], 1);
      } else if (G === 3) {
        k.cell.sigmoidCols(B, 2 * H, GH, g[0], 2);
        tsCellMath.sigmoidCols(B, 2 * H, GH, g[1], 2);
        k.cell.gruResetState(B, H, GH, g[0], 2, hp[0], 1, aux[0], 2);
        tsCellMath.gruResetState(B, H, GH, g[1], 2, hp[1], 1, aux[1], 2);
        k.cell.gruCandidateAfterReset(B, H, GH, g[0], 2, aux[0], 2, bhn[0]);
        tsCellMath.gruCandidateAfterReset(B, H, GH, g[1], 2, aux[1], 2, bhn[1]);
        k.cell.gruOutput(B, H, GH, g[0], 2, hp[0], 1, o[0], 2);
        tsCellMath.gruOutput(B, H, GH, g[1], 2, hp[1], 1, o[1], 2);
      } else {
        k.cell.lstmForward(B, H, g[0], 2, hp[0], 1, c[0], tc[0], o[0], 2);
        tsCellMath.lstmForward(B, H, g[1], 2, hp[1], 1, c[1], tc[1], o[1], 2);
      }
      check([g, c, tc, o, aux]);
    }
  });

  it('falls back to TypeScript for arrays outside its memory, and checks bounds before entering wasm', () => {
    const k = new WasmKernels(1024);
    const A = Float32Array.from([1, 2, 3, 4]);
    const C = new Float32Array(4);
    k.gemmABt(2, 2, 2, A, 0, 2, A, 0, 2, C, 0, 2, false);
    expect(Array.from(C)).toEqual([5, 11, 11, 25]);
    const W = k.alloc(4);
    const out = k.alloc(4);
    expect(() => k.gemmABt(2, 2, 4, W, 0, 4, W, 0, 4, out, 0, 2, false)).toThrow(SeqlmError);
    expect(() => k.alloc(1 << 20)).toThrow(/exhausted/);
    expect(() => new WasmKernels(2 ** 33)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED', message: expect.stringMatching(/cannot reserve 8193 MiB/) }));
  });
});
