import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { SeqlmError } from '@seqlm/core/errors';
import { registerGradients } from './gradients.ts';

/** What `--backend` accepts: `auto` tries node, then wasm, then cpu. */
export const BACKEND_CHOICES = ['auto', 'node', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
/** The engine that actually runs: tfjs-node's native TensorFlow, the wasm backend (SIMD when available) or plain JS. */
export type BackendKind = Exclude<BackendChoice, 'auto'>;

export interface BackendInfo {
  kind: BackendKind;
  /** TensorFlow.js's own name for it (`tensorflow`, `wasm`, `cpu`). */
  tfjsName: string;
  /** The label printed and recorded in manifests, e.g. `tfjs-wasm-simd`. */
  label: string;
  /** Why each backend tried before this one was passed over (auto only). */
  skipped: { kind: BackendKind; reason: string }[];
}

const TFJS_NAME: Record<BackendKind, string> = { node: 'tensorflow', wasm: 'wasm', cpu: 'cpu' };
const AUTO_ORDER: readonly BackendKind[] = ['node', 'wasm', 'cpu'];
// A string variable keeps TypeScript from resolving a module that is optional and usually absent.
const TFJS_NODE = '@tensorflow/tfjs-node';

export function isBackendChoice(value: unknown): value is BackendChoice {
  return typeof value === 'string' && (BACKEND_CHOICES as readonly string[]).includes(value);
}

/** The directory holding the wasm binaries, as a file path: Node's wasm loader reads files, not URLs. */
export function wasmBinaryDir(): string {
  const require = createRequire(import.meta.url);
  return `${join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')}/`;
}

async function register(kind: BackendKind): Promise<void> {
  switch (kind) {
    case 'node':
      // Loading tfjs-node registers the `tensorflow` backend; it throws when its native binding is missing.
      await import(TFJS_NODE);
      return;
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      // Must precede the backend's first initialisation; later calls only reset the same path.
      wasm.setWasmPaths(wasmBinaryDir());
      return;
    }
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      return;
  }
}

async function activate(kind: BackendKind): Promise<void> {
  await register(kind);
  const name = TFJS_NAME[kind];
  if (tf.findBackendFactory(name) === null) throw new Error(`the ${name} backend did not register`);
  if (!(await tf.setBackend(name))) throw new Error(`the ${name} backend failed to initialise`);
  await tf.ready();
}

function labelOf(kind: BackendKind): string {
  if (kind === 'node') return 'tfjs-node';
  if (kind === 'cpu') return 'tfjs-cpu';
  return tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'tfjs-wasm-simd' : 'tfjs-wasm';
}

function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}

/**
 * Makes one TensorFlow.js backend current and says which. `auto` prefers the
 * native tfjs-node binding (an optional dependency that cannot install on every
 * machine), then wasm, then cpu; an explicit choice that cannot load is an
 * `UNSUPPORTED` error rather than a silent fallback.
 */
export async function selectBackend(choice: BackendChoice = 'auto'): Promise<BackendInfo> {
  if (!isBackendChoice(choice)) {
    throw new SeqlmError('INVALID_ARGUMENT', `backend must be one of ${BACKEND_CHOICES.join(', ')}, got ${JSON.stringify(choice)}`);
  }
  // Production mode drops per-op debug checks and the cpu backend's "install tfjs-node" banner on stderr.
  tf.env().set('PROD', true);
  registerGradients();
  const candidates = choice === 'auto' ? AUTO_ORDER : [choice];
  const skipped: BackendInfo['skipped'] = [];
  for (const kind of candidates) {
    try {
      await activate(kind);
      return { kind, tfjsName: TFJS_NAME[kind], label: labelOf(kind), skipped };
    } catch (error) {
      skipped.push({ kind, reason: reasonOf(error) });
    }
  }
  const why = skipped.map((s) => `${s.kind}: ${s.reason}`).join('; ');
  throw new SeqlmError('UNSUPPORTED', `cannot use TensorFlow.js backend "${choice}" (${why})`, { choice, skipped });
}

export { tf };
