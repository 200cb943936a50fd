import { allocFloat, type Dtype, type FloatArray } from './float-array.ts';
import { tsCellMath, type CellMath } from './cell-math.ts';
import { columnSums, gemmABt, transpose } from './gemm.ts';

/** Which implementation runs the matrix kernels of a model. */
export type KernelsName = 'ts' | 'wasm-simd' | 'wasm-relaxed-simd';

/**
 * The numeric primitives a model's training and inference call, and the
 * allocator of the buffers they work on. `tsKernels` is the readable
 * reference (src/rnn/gemm.ts); the wasm kernels (wasm-kernels.ts) compute the
 * same products in float32 SIMD on buffers that live in their own memory.
 */
export interface Kernels {
  readonly name: KernelsName;
  alloc(length: number): FloatArray;
  gemmABt: typeof gemmABt;
  transpose: typeof transpose;
  columnSums: typeof columnSums;
  /** The per-timestep gate arithmetic. */
  cell: CellMath;
}

export function tsKernels(dtype: Dtype): Kernels {
  return { name: 'ts', alloc: (length) => allocFloat(dtype, length), gemmABt, transpose, columnSums, cell: tsCellMath };
}

/** An allocator that only counts: sizes a wasm memory before the real buffers are made in it. */
export class FloatCounter {
  /** Bytes, each buffer rounded up to 16 so every buffer starts v128-aligned. */
  bytes = 0;
  readonly alloc = (length: number): FloatArray => {
    this.bytes += (length * 4 + 15) & ~15;
    return new Float32Array(0);
  };
}
