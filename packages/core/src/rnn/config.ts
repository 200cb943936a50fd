import { SeqlmError } from '../errors/index.ts';

export const CELL_KINDS = ['rnn', 'gru', 'lstm'] as const;
export type CellKind = (typeof CELL_KINDS)[number];

/**
 * Gate blocks along the columns of each fused `W_x` [in, G·H], `W_h` [H, G·H]
 * and `b` [G·H]. GRU is z, r, h (candidate) like ONNX and TF.js; LSTM is
 * i, f, c (candidate), o like TF.js and PyTorch (ONNX stores i, o, f, c, so an
 * exporter reorders the blocks).
 */
export const GATE_ORDER: Readonly<Record<CellKind, readonly string[]>> = Object.freeze({
  rnn: Object.freeze(['h']),
  gru: Object.freeze(['z', 'r', 'h']),
  lstm: Object.freeze(['i', 'f', 'c', 'o']),
});

export interface RnnConfig {
  cell: CellKind;
  vocabSize: number;
  hiddenSize: number;
  /** Stacked layers L ≥ 1; layer l > 0 reads layer l − 1's hidden states. Default 1. */
  numLayers?: number;
  /** Size E of a learned embedding [V, E]; omitted or null feeds one-hot vectors as D2L does. */
  embeddingSize?: number | null;
  /**
   * GRU reset convention, named as in ONNX. 0 (default; D2L, TF.js reset_after=false):
   * h̃ = tanh(x W_xh + (r ⊙ h) W_hh + b_h). 1 (PyTorch, TF.js reset_after=true):
   * h̃ = tanh(x W_xh + r ⊙ (h W_hh + b_hn) + b_h). Must be 0 for other cells.
   */
  linearBeforeReset?: 0 | 1;
}

/** A config with every default filled in, as stored beside the weights. */
export interface ResolvedRnnConfig {
  cell: CellKind;
  vocabSize: number;
  hiddenSize: number;
  numLayers: number;
  embeddingSize: number | null;
  linearBeforeReset: 0 | 1;
}

/** One named parameter tensor's shape; the names are the keys of `parameters()`. */
export interface ParameterSpec {
  name: string;
  shape: number[];
}

export function isCellKind(value: unknown): value is CellKind {
  return typeof value === 'string' && (CELL_KINDS as readonly string[]).includes(value);
}

export function gateCount(cell: CellKind): number {
  return GATE_ORDER[cell].length;
}

function positiveInteger(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new SeqlmError('INVALID_ARGUMENT', `${name} must be a positive integer, got ${String(value)}`, { [name]: value });
  }
  return value;
}

/** Validates a config and fills in its defaults. */
export function resolveConfig(config: RnnConfig): ResolvedRnnConfig {
  if (config === null || typeof config !== 'object') throw new SeqlmError('INVALID_ARGUMENT', 'RNN config must be an object');
  if (!isCellKind(config.cell)) {
    throw new SeqlmError('INVALID_ARGUMENT', `cell must be one of ${CELL_KINDS.join(', ')}, got ${String(config.cell)}`);
  }
  const lbr = config.linearBeforeReset ?? 0;
  if (lbr !== 0 && lbr !== 1) throw new SeqlmError('INVALID_ARGUMENT', `linearBeforeReset must be 0 or 1, got ${String(lbr)}`);
  if (lbr === 1 && config.cell !== 'gru') {
    throw new SeqlmError('INVALID_ARGUMENT', `linearBeforeReset = 1 applies to GRU only, not ${config.cell}`);
  }
  const emb = config.embeddingSize ?? null;
  return {
    cell: config.cell,
    vocabSize: positiveInteger(config.vocabSize, 'vocabSize'),
    hiddenSize: positiveInteger(config.hiddenSize, 'hiddenSize'),
    numLayers: positiveInteger(config.numLayers ?? 1, 'numLayers'),
    embeddingSize: emb === null ? null : positiveInteger(emb, 'embeddingSize'),
    linearBeforeReset: lbr,
  };
}

/** Input width of layer `l`: V (one-hot) or E (embedding) for layer 0, H above it. */
export function layerInputSize(config: ResolvedRnnConfig, layer: number): number {
  if (layer > 0) return config.hiddenSize;
  return config.embeddingSize ?? config.vocabSize;
}

/**
 * Every parameter tensor in a fixed order (initialisation draws in this order,
 * so a seed fixes the weights):
 * `embedding` [V, E] (embedding input only); per layer l `layers.l.W_x` [in, G·H],
 * `layers.l.W_h` [H, G·H], `layers.l.b` [G·H], and for a GRU with
 * linearBeforeReset = 1 `layers.l.b_hn` [H]; then the head `W_hq` [H, V], `b_q` [V].
 * Rows index inputs (D2L's x W convention: o = h W_hq + b_q).
 */
export function parameterSpecs(config: ResolvedRnnConfig): ParameterSpec[] {
  const { vocabSize: V, hiddenSize: H, numLayers: L, embeddingSize: E } = config;
  const GH = gateCount(config.cell) * H;
  const specs: ParameterSpec[] = [];
  if (E !== null) specs.push({ name: 'embedding', shape: [V, E] });
  for (let l = 0; l < L; l++) {
    specs.push({ name: `layers.${l}.W_x`, shape: [layerInputSize(config, l), GH] });
    specs.push({ name: `layers.${l}.W_h`, shape: [H, GH] });
    specs.push({ name: `layers.${l}.b`, shape: [GH] });
    if (config.linearBeforeReset === 1) specs.push({ name: `layers.${l}.b_hn`, shape: [H] });
  }
  specs.push({ name: 'W_hq', shape: [H, V] });
  specs.push({ name: 'b_q', shape: [V] });
  return specs;
}
