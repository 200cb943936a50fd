import { SeqlmError } from '../errors/index.ts';
import { decodeBase64 } from './base64.ts';
import type { FloatArray } from './float-array.ts';
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
}

const PAGE = 65536;
/** Buffers start after the first 64 bytes so no buffer sits at address 0. */
const BASE = 64;

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
  readonly #exports: KernelExports;
  readonly #buffer: ArrayBuffer;
  #top = BASE;

  constructor(bytes: number) {
    const name = wasmKernelsName();
    if (name === null || compiled == null) throw new SeqlmError('UNSUPPORTED', 'WebAssembly SIMD kernels are unavailable in this runtime');
    const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly!;
    const pages = Math.max(1, Math.ceil((BASE + bytes) / PAGE));
    const memory = new api.Memory({ initial: pages, maximum: pages });
    const instance = new api.Instance(compiled.module, { env: { memory } });
    this.name = name;
    this.#exports = instance.exports as unknown as KernelExports;
    this.#buffer = memory.buffer;
  }

  readonly alloc = (length: number): FloatArray => {
    const size = (length * 4 + 15) & ~15;
    if (this.#top + size > this.#buffer.byteLength) throw new SeqlmError('INVALID_ARGUMENT', `wasm kernel memory exhausted (${this.#top + size} > ${this.#buffer.byteLength} bytes)`);
    const view = new Float32Array(this.#buffer, this.#top, length);
    this.#top += size;
    return view;
  };

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
