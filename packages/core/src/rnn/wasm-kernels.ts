import { SeqlmError } from '../errors/index.ts';
import { decodeBase64 } from './base64.ts';
import type { FloatArray } from './float-array.ts';
import { tsCellMath, type CellMath } from './cell-math.ts';
import { checkOperand, columnSums, gemmABt, transpose } from './gemm.ts';
import type { Kernels, KernelsName } from './kernels.ts';
import { KERNELS_RELAXED_BASE64, KERNELS_SIMD_BASE64 } from './wasm-bytes.ts';

/** The slice of the WebAssembly JS API used here (core's build has no DOM or Node types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
  validate(bytes: Uint8Array): boolean;
}

interface KernelExports {
  gemm_abt(M: number, N: number, K: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number, acc: number): void;
  transpose(rows: number, cols: number, src: number, lds: number, dst: number, ldd: number): void;
  column_sums(rows: number, cols: number, x: number, ld: number, out: number, acc: number): void;
  tanh_into(n: number, a: number, out: number): void;
  sigmoid_cols(B: number, cols: number, GH: number, g: number): void;
  tanh_cols(B: number, cols: number, GH: number, g: number): void;
  gru_reset_state(B: number, H: number, GH: number, g: number, hPrev: number, aux: number): void;
  gru_candidate_after_reset(B: number, H: number, GH: number, g: number, aux: number, bhn: number): void;
  gru_output(B: number, H: number, GH: number, g: number, hPrev: number, out: number): void;
  lstm_forward(B: number, H: number, g: number, cPrev: number, c: number, tanhC: number, out: number): void;
  rnn_backward(n: number, dhIn: number, out: number, dA: number): void;
  gru_backward(B: number, H: number, GH: number, lbr1: number, g: number, hPrev: number, dhIn: number, dA: number, dh: number, aux: number, dHN: number): void;
  gru_backward_reset(B: number, H: number, GH: number, g: number, hPrev: number, drh: number, dA: number, dh: number): void;
  lstm_backward(B: number, H: number, g: number, cPrev: number, tanhC: number, dhIn: number, dc: number, dA: number): void;
  add_into(n: number, a: number, b: number, out: number): void;
}



const PAGE = 65536;
/**
 * Buffers start after the first page: AssemblyScript places its static data
 * there (the exp2f table behind Mathf.exp at byte 1024), which a buffer must
 * never overwrite.
 */
const BASE = PAGE;

let compiled: { module: object; name: KernelsName } | null | undefined;

/**
 * Compiles the kernels once per process: relaxed-SIMD when the engine
 * validates it (fused multiply-add), else plain 128-bit SIMD. Null where
 * WebAssembly, its SIMD, or compiling from bytes is unavailable (Cloudflare
 * Workers refuse code generation), so callers fall back to TypeScript. Both
 * modules are under the 4 KB that browsers compile synchronously on the main thread.
 */
export function wasmKernelsName(): KernelsName | null {
  if (compiled !== undefined) return compiled?.name ?? null;
  compiled = null;
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (api === undefined) return null;
  for (const [name, base64] of [['wasm-relaxed-simd', KERNELS_RELAXED_BASE64], ['wasm-simd', KERNELS_SIMD_BASE64]] as const) {
    const bytes = decodeBase64(base64);
    try {
      if (!api.validate(bytes)) continue;
      compiled = { module: new api.Module(bytes), name };
      break;
    } catch {
      // Code generation refused by the embedder: every later attempt fails the same way.
      break;
    }
  }
  return compiled?.name ?? null;
}

/**
 * Float32 kernels on a memory of their own, sized once for `bytes` of
 * buffers (a wasm memory that grew would detach the views already handed
 * out). Buffers from `alloc` live in that memory; a product whose operands
 * all live there runs in wasm, any other falls back to the TypeScript reference.
 */
export class WasmKernels implements Kernels {
  readonly name: KernelsName;
  readonly cell: CellMath;
  readonly #exports: KernelExports;
  readonly #buffer: ArrayBuffer;
  #top = BASE;

  constructor(bytes: number) {
    const name = wasmKernelsName();
    if (name === null || compiled == null) throw new SeqlmError('UNSUPPORTED', 'WebAssembly SIMD kernels are unavailable in this runtime');
    const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly!;
    const pages = Math.max(1, Math.ceil((BASE + bytes) / PAGE));
    let memory: WasmMemory;
    try {
      // wasm32 addresses at most 65536 pages (4 GiB); the engine may refuse less.
      if (pages > 65536) throw new RangeError('beyond the 4 GiB of a wasm32 memory');
      memory = new api.Memory({ initial: pages, maximum: pages });
    } catch (error) {
      const mib = Math.ceil((pages * PAGE) / 2 ** 20);
      throw new SeqlmError('UNSUPPORTED', `cannot reserve ${mib} MiB of WebAssembly memory for this model and batch (${(error as Error).message}); use the TypeScript kernels or a smaller model or batch`, { bytes });
    }
    const instance = new api.Instance(compiled.module, { env: { memory } });
    this.name = name;
    this.#exports = instance.exports as unknown as KernelExports;
    this.#buffer = memory.buffer;
    this.cell = this.#cellMath(this.#exports);
  }

  readonly alloc = (length: number): FloatArray => {
    const size = (length * 4 + 15) & ~15;
    if (this.#top + size > this.#buffer.byteLength) throw new SeqlmError('INVALID_ARGUMENT', `wasm kernel memory exhausted (${this.#top + size} > ${this.#buffer.byteLength} bytes)`);
    const view = new Float32Array(this.#buffer, this.#top, length);
    this.#top += size;
    return view;
  };

  /**
   * Byte address of `a[offset]` when the `length` elements from there lie in
   * this memory (bounds-checked against the view, since the wasm side trusts
   * its pointers), else −1 so the caller falls back to TypeScript. Allocates
   * nothing: it runs a dozen times per time step.
   */
  #addr(a: FloatArray, offset: number, length: number): number {
    const p = this.#at(a, offset);
    if (p >= 0 && length > 0) checkOperand('cell operand', a, offset, length, 1, length);
    return p;
  }

  /** The gate arithmetic in wasm where every operand lives in this memory; the reference loops otherwise. */
  #cellMath(x: KernelExports): CellMath {
    const ts = tsCellMath;
    return {
      tanhInto: (n, a, aOff, out, oOff) => {
        const p0 = this.#addr(a, aOff, n);
        const p1 = this.#addr(out, oOff, n);
        if (p0 < 0 || p1 < 0) ts.tanhInto(n, a, aOff, out, oOff);
        else x.tanh_into(n, p0, p1);
      },
      sigmoidCols: (B, cols, GH, g, gOff) => {
        const p0 = this.#addr(g, gOff, (B - 1) * GH + cols);
        if (p0 < 0) ts.sigmoidCols(B, cols, GH, g, gOff);
        else x.sigmoid_cols(B, cols, GH, p0);
      },
      tanhCols: (B, cols, GH, g, gOff) => {
        const p0 = this.#addr(g, gOff, (B - 1) * GH + cols);
        if (p0 < 0) ts.tanhCols(B, cols, GH, g, gOff);
        else x.tanh_cols(B, cols, GH, p0);
      },
      gruResetState: (B, H, GH, g, gOff, hPrev, hp, aux, ao) => {
        const p0 = this.#addr(g, gOff, B * GH);
        const p1 = this.#addr(hPrev, hp, B * H);
        const p2 = this.#addr(aux, ao, B * H);
        if (p0 < 0 || p1 < 0 || p2 < 0) ts.gruResetState(B, H, GH, g, gOff, hPrev, hp, aux, ao);
        else x.gru_reset_state(B, H, GH, p0, p1, p2);
      },
      gruCandidateAfterReset: (B, H, GH, g, gOff, aux, ao, bhn) => {
        const p0 = this.#addr(g, gOff, B * GH);
        const p1 = this.#addr(aux, ao, B * H);
        const p2 = this.#addr(bhn, 0, H);
        if (p0 < 0 || p1 < 0 || p2 < 0) ts.gruCandidateAfterReset(B, H, GH, g, gOff, aux, ao, bhn);
        else x.gru_candidate_after_reset(B, H, GH, p0, p1, p2);
      },
      gruOutput: (B, H, GH, g, gOff, hPrev, hp, out, oOff) => {
        const p0 = this.#addr(g, gOff, B * GH);
        const p1 = this.#addr(hPrev, hp, B * H);
        const p2 = this.#addr(out, oOff, B * H);
        if (p0 < 0 || p1 < 0 || p2 < 0) ts.gruOutput(B, H, GH, g, gOff, hPrev, hp, out, oOff);
        else x.gru_output(B, H, GH, p0, p1, p2);
      },
      lstmForward: (B, H, g, gOff, cPrev, cp, c, tanhC, out, oOff) => {
        const p0 = this.#addr(g, gOff, B * 4 * H);
        const p1 = this.#addr(cPrev, cp, B * H);
        const p2 = this.#addr(c, oOff, B * H);
        const p3 = this.#addr(tanhC, oOff, B * H);
        const p4 = this.#addr(out, oOff, B * H);
        if (p0 < 0 || p1 < 0 || p2 < 0 || p3 < 0 || p4 < 0) ts.lstmForward(B, H, g, gOff, cPrev, cp, c, tanhC, out, oOff);
        else x.lstm_forward(B, H, p0, p1, p2, p3, p4);
      },
      rnnBackward: (n, dhIn, out, oOff, dA, dOff) => {
        const p0 = this.#addr(dhIn, 0, n);
        const p1 = this.#addr(out, oOff, n);
        const p2 = this.#addr(dA, dOff, n);
        if (p0 < 0 || p1 < 0 || p2 < 0) ts.rnnBackward(n, dhIn, out, oOff, dA, dOff);
        else x.rnn_backward(n, p0, p1, p2);
      },
      gruBackward: (B, H, GH, lbr1, g, gOff, hPrev, hp, dhIn, dA, dh, aux, dHN, ao) => {
        const n = B * H;
        const p0 = this.#addr(g, gOff, B * GH);
        const p1 = this.#addr(hPrev, hp, n);
        const p2 = this.#addr(dhIn, 0, n);
        const p3 = this.#addr(dA, gOff, B * GH);
        const p4 = this.#addr(dh, 0, n);
        const p5 = this.#addr(aux, lbr1 ? ao : 0, lbr1 ? n : 0);
        const p6 = this.#addr(dHN, lbr1 ? ao : 0, lbr1 ? n : 0);
        if (p0 < 0 || p1 < 0 || p2 < 0 || p3 < 0 || p4 < 0 || p5 < 0 || p6 < 0) ts.gruBackward(B, H, GH, lbr1, g, gOff, hPrev, hp, dhIn, dA, dh, aux, dHN, ao);
        else x.gru_backward(B, H, GH, lbr1 ? 1 : 0, p0, p1, p2, p3, p4, p5, p6);
      },
      gruBackwardReset: (B, H, GH, g, gOff, hPrev, hp, drh, dA, dh) => {
        const n = B * H;
        const p0 = this.#addr(g, gOff, B * GH);
        const p1 = this.#addr(hPrev, hp, n);
        const p2 = this.#addr(drh, 0, n);
        const p3 = this.#addr(dA, gOff, B * GH);
        const p4 = this.#addr(dh, 0, n);
        if (p0 < 0 || p1 < 0 || p2 < 0 || p3 < 0 || p4 < 0) ts.gruBackwardReset(B, H, GH, g, gOff, hPrev, hp, drh, dA, dh);
        else x.gru_backward_reset(B, H, GH, p0, p1, p2, p3, p4);
      },
      lstmBackward: (B, H, g, gOff, cPrev, cp, tanhC, to, dhIn, dc, dA) => {
        const n = B * H;
        const p0 = this.#addr(g, gOff, B * 4 * H);
        const p1 = this.#addr(cPrev, cp, n);
        const p2 = this.#addr(tanhC, to, n);
        const p3 = this.#addr(dhIn, 0, n);
        const p4 = this.#addr(dc, 0, n);
        const p5 = this.#addr(dA, gOff, B * 4 * H);
        if (p0 < 0 || p1 < 0 || p2 < 0 || p3 < 0 || p4 < 0 || p5 < 0) ts.lstmBackward(B, H, g, gOff, cPrev, cp, tanhC, to, dhIn, dc, dA);
        else x.lstm_backward(B, H, p0, p1, p2, p3, p4, p5);
      },
      addInto: (n, a, aOff, b, out) => {
        const p0 = this.#addr(a, aOff, n);
        const p1 = this.#addr(b, 0, n);
        const p2 = this.#addr(out, 0, n);
        if (p0 < 0 || p1 < 0 || p2 < 0) ts.addInto(n, a, aOff, b, out);
        else x.add_into(n, p0, p1, p2);
      },
    };
  }

  /** Byte address of element `offset` of `a`, or −1 when `a` is not in this memory. */
  #at(a: FloatArray, offset: number): number {
    return a.buffer === this.#buffer && a instanceof Float32Array ? a.byteOffset + offset * 4 : -1;
  }

  readonly gemmABt: typeof gemmABt = (M, N, K, A, aOff, lda, B, bOff, ldb, C, cOff, ldc, accumulate) => {
    const a = this.#at(A, aOff);
    const b = this.#at(B, bOff);
    const c = this.#at(C, cOff);
    if (a < 0 || b < 0 || c < 0) return gemmABt(M, N, K, A, aOff, lda, B, bOff, ldb, C, cOff, ldc, accumulate);
    checkOperand('A', A, aOff, lda, M, K);
    checkOperand('B', B, bOff, ldb, N, K);
    checkOperand('C', C, cOff, ldc, M, N);
    this.#exports.gemm_abt(M, N, K, a, lda, b, ldb, c, ldc, accumulate ? 1 : 0);
  };

  readonly transpose: typeof transpose = (rows, cols, src, srcOff, lds, dst, dstOff, ldd) => {
    const s = this.#at(src, srcOff);
    const d = this.#at(dst, dstOff);
    if (s < 0 || d < 0) return transpose(rows, cols, src, srcOff, lds, dst, dstOff, ldd);
    checkOperand('src', src, srcOff, lds, rows, cols);
    checkOperand('dst', dst, dstOff, ldd, cols, rows);
    this.#exports.transpose(rows, cols, s, lds, d, ldd);
  };

  readonly columnSums: typeof columnSums = (rows, cols, X, xOff, ld, out, outOff, accumulate) => {
    const x = this.#at(X, xOff);
    const o = this.#at(out, outOff);
    if (x < 0 || o < 0) return columnSums(rows, cols, X, xOff, ld, out, outOff, accumulate);
    checkOperand('X', X, xOff, ld, rows, cols);
    checkOperand('out', out, outOff, cols, 1, cols);
    this.#exports.column_sums(rows, cols, x, ld, o, accumulate ? 1 : 0);
  };
}
