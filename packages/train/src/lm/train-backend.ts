import { SeqlmError } from '@seqlm/core/errors';
import { wasmKernelsName } from '@seqlm/core/rnn';
import { selectBackend, type BackendKind } from '../tfjs/backend.ts';
import { CoreEngine } from './core-engine.ts';
import { TfEngine, type EngineSpec, type LmEngine } from './engine.ts';

/**
 * What `seqlm train --backend` accepts. `auto` takes tfjs-node when its native
 * binding loads, else the fastest engine measured on a 2-core AVX2 machine
 * (packages/train/bench/throughput.bench.ts; per step of CPU time, GRU-256:
 * core-wasm ~22k tokens/s, tfjs-wasm ~3.8k, core TypeScript ~2.7k): core on
 * its WebAssembly SIMD kernels, then TensorFlow.js wasm, then core's
 * TypeScript reference, then TensorFlow.js cpu. `node`, `wasm` and `cpu` are
 * the older names of the tfjs ones. `core-wasm-2t` splits every batch over
 * two threads (see CoreEngine); `auto` never picks it, because its numbers
 * differ from one thread's by float32 rounding and it only pays on two free cores.
 */
export const TRAIN_BACKEND_CHOICES = ['auto', 'core-wasm', 'core-wasm-2t', 'core', 'tfjs-node', 'tfjs-wasm', 'tfjs-cpu', 'node', 'wasm', 'cpu'] as const;
export type TrainBackendChoice = (typeof TRAIN_BACKEND_CHOICES)[number];
type Engine = Exclude<TrainBackendChoice, 'auto' | 'node' | 'wasm' | 'cpu'>;

const AUTO_ORDER: readonly Engine[] = ['tfjs-node', 'core-wasm', 'tfjs-wasm', 'core', 'tfjs-cpu'];
const ALIASES: Partial<Record<TrainBackendChoice, Engine>> = { node: 'tfjs-node', wasm: 'tfjs-wasm', cpu: 'tfjs-cpu' };
const TFJS: Partial<Record<Engine, BackendKind>> = { 'tfjs-node': 'node', 'tfjs-wasm': 'wasm', 'tfjs-cpu': 'cpu' };

export interface SelectedEngine {
  engine: LmEngine;
  /** Why each engine tried before this one was passed over (auto only). */
  skipped: { kind: string; reason: string }[];
}

async function open(kind: Engine, spec: EngineSpec, dropout: number): Promise<LmEngine> {
  const tfjs = TFJS[kind];
  if (tfjs !== undefined) {
    const info = await selectBackend(tfjs);
    return new TfEngine(spec, info.label);
  }
  if (dropout > 0 && (spec.model.numLayers ?? 1) > 1) throw new Error('core training has no dropout between layers');
  if (kind !== 'core' && wasmKernelsName() === null) throw new Error('WebAssembly SIMD is unavailable in this runtime');
  return new CoreEngine(spec, kind === 'core' ? 'ts' : 'wasm', kind === 'core-wasm-2t' ? 2 : 1);
}

/** The engine for `choice`; an explicit choice that cannot run is an `UNSUPPORTED` error, never a silent fallback. */
export async function selectTrainEngine(choice: TrainBackendChoice, spec: EngineSpec, options: { dropout: number }): Promise<SelectedEngine> {
  if (!(TRAIN_BACKEND_CHOICES as readonly string[]).includes(choice)) {
    throw new SeqlmError('INVALID_ARGUMENT', `backend must be one of ${TRAIN_BACKEND_CHOICES.join(', ')}, got ${JSON.stringify(choice)}`);
  }
  const candidates = choice === 'auto' ? AUTO_ORDER : [ALIASES[choice] ?? (choice as Engine)];
  const skipped: SelectedEngine['skipped'] = [];
  for (const kind of candidates) {
    try {
      return { engine: await open(kind, spec, options.dropout), skipped };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      skipped.push({ kind, reason: message.split('\n')[0] ?? message });
    }
  }
  const why = skipped.map((s) => `${s.kind}: ${s.reason}`).join('; ');
  throw new SeqlmError('UNSUPPORTED', `cannot train on backend "${choice}" (${why})`, { choice, skipped });
}
