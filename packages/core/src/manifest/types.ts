import type { Normalization, TokenizerKind } from '../text/index.ts';
import type { VocabJSON } from '../vocab/index.ts';

/**
 * The manifest schema this build writes. Version 2 records the ONNX graph's
 * I/O contract (`onnx.io`) and adds the `mixture` kind; version 1 manifests are
 * still read and upgraded in memory (see `validateManifest`). Any other version is refused.
 */
export const MANIFEST_SCHEMA_VERSION = 2;
/** Every schema version this build reads. */
export const READABLE_SCHEMA_VERSIONS = [1, 2] as const;
export const MANIFEST_FORMAT = 'seqlm-manifest';

export const MODEL_KINDS = ['rnn', 'gru', 'lstm', 'ngram', 'ts-mlp', 'mixture'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];
export type NeuralKind = 'rnn' | 'gru' | 'lstm';

/** What an artifact file holds; loaders pick files by role. */
export const FILE_ROLES = ['onnx', 'weights', 'ngram', 'arpa', 'stats', 'vocab', 'other'] as const;
export type FileRole = (typeof FILE_ROLES)[number];

/** Element types of exported graph inputs/outputs (ONNX names). */
export const TENSOR_DTYPES = ['float32', 'float16', 'int32', 'int64', 'bool'] as const;
export type TensorDtype = (typeof TENSOR_DTYPES)[number];

/**
 * How the gate blocks of a GRU/LSTM weight matrix are stacked. ONNX stores LSTM
 * gates as i,o,f,c and GRU as z,r,h; TensorFlow.js layers use i,f,c,o and z,r,h
 * (as do Keras, PyTorch and seqlm's own `rnn` module, so their files say `tfjs`).
 * Recorded so a loader never has to guess which convention a file follows.
 */
export const GATE_ORDERS = {
  onnx: { lstm: ['i', 'o', 'f', 'c'], gru: ['z', 'r', 'h'] },
  tfjs: { lstm: ['i', 'f', 'c', 'o'], gru: ['z', 'r', 'h'] },
} as const;
export type GateLayout = keyof typeof GATE_ORDERS;
export const GATE_LAYOUTS = Object.keys(GATE_ORDERS) as GateLayout[];

/** `backoff`: probabilities and backoff weights as read from an ARPA file made elsewhere. */
export const NGRAM_ESTIMATORS = ['mle', 'addk', 'kn', 'backoff'] as const;
export type NgramEstimator = (typeof NGRAM_ESTIMATORS)[number];

/** One file of the model directory, so a loader can check it before trusting it. */
export interface ManifestFile {
  role: FileRole;
  /** Relative to the manifest's directory, `/`-separated, never leaving it. */
  path: string;
  bytes: number;
  /** Lowercase hex SHA-256 of the file's bytes. */
  sha256: string;
}

/** How text became tokens: the normalisation applied first, then the tokenizer. */
export interface TextSpec {
  tokenizer: TokenizerKind;
  normalization: Normalization;
}

/** A graph input or output; a string dimension is dynamic (`'batch'`, `'time'`). */
export interface TensorSpec {
  name: string;
  dtype: TensorDtype;
  shape: (number | string)[];
}

/** A graph tensor that carries a sequence: which of its axes is the batch and which is time. */
export interface SequenceTensorIo {
  name: string;
  batchAxis: number;
  timeAxis: number;
}

/** A recurrent state the caller carries between runs: fed as `input`, read back from `output`. */
export interface StateIo {
  input: string;
  output: string;
  /** The batch axis of both tensors (the other axes have fixed sizes in `inputs`). */
  batchAxis: number;
}

/**
 * How a language-model graph is driven, written down by the exporter so no
 * runtime guesses it from tensor names: the token input, the logits output
 * (`[.., V]` last) and the state pairs, each with its batch and time axes.
 */
export interface GraphIo {
  tokens: SequenceTensorIo;
  logits: SequenceTensorIo;
  state: StateIo[];
  /**
   * The last layer's hidden state h_t after every step (`[.., H]` last; ONNX's
   * RNN/GRU/LSTM `Y`), for looking inside the model. Absent from graphs
   * exported before it was added: such a model must be re-exported to show it.
   */
  hidden?: SequenceTensorIo;
}

/** Present once the model has been exported to ONNX. */
export interface OnnxSection {
  /** Path of a `files` entry with role `onnx`. */
  file: string;
  opset: number;
  irVersion: number;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  /** The I/O contract; required for rnn/gru/lstm from schema version 2 (a version 1 manifest gets it on upgrade). */
  io?: GraphIo;
}

/** The weights container core reads without ONNX (see `encodeWeights`). */
export interface WeightsSection {
  /** Path of a `files` entry with role `weights`. */
  file: string;
}

export interface TrainingMetadata {
  corpus?: string;
  /** Fraction of the corpus held out for validation, in [0, 1). */
  valFraction?: number;
  seed?: number;
  hyperparameters?: Record<string, number | string | boolean | null>;
  /** e.g. `tfjs-node`, `core-cpu`. */
  backend?: string;
  epochs?: number;
  /** Per-epoch values, exp of the mean cross-entropy (D2L 9.3: PP = exp(-1/n Σ log P(x_t | x_<t))). */
  trainPerplexity?: number[];
  valPerplexity?: number[];
  finalTrainPerplexity?: number;
  finalValPerplexity?: number;
  /** Per-epoch mean losses, for models without a perplexity (ts-mlp: squared error). */
  trainLoss?: number[];
  valLoss?: number[];
  finalTrainLoss?: number;
  finalValLoss?: number;
  wallTimeSeconds?: number;
  /** ISO 8601 timestamp. */
  createdAt?: string;
}

interface ManifestBase {
  format: typeof MANIFEST_FORMAT;
  /** Always the current version once parsed: older manifests are upgraded when read. */
  schemaVersion: typeof MANIFEST_SCHEMA_VERSION;
  kind: ModelKind;
  name?: string;
  description?: string;
  files: ManifestFile[];
  training?: TrainingMetadata;
}

interface TextManifestBase extends ManifestBase {
  text: TextSpec;
  /** The vocabulary, special tokens included (`reserved`), embedded as data beside the weights. */
  vocab: VocabJSON;
}

/** `one-hot` feeds V-dimensional one-hot vectors as in D2L; `dense` learns an embedding table. */
export type EmbeddingSpec = { type: 'one-hot' } | { type: 'dense'; dim: number };

export interface GateSpec {
  layout: GateLayout;
  /** Must equal `GATE_ORDERS[layout][kind]`; spelt out so a reader sees the order without a lookup. */
  order: string[];
}

export interface NeuralArchitecture {
  vocabSize: number;
  hiddenSize: number;
  numLayers: number;
  embedding: EmbeddingSpec;
}

export interface RnnManifest extends TextManifestBase {
  kind: 'rnn';
  architecture: NeuralArchitecture;
  weights?: WeightsSection;
  onnx?: OnnxSection;
}

export interface LstmManifest extends TextManifestBase {
  kind: 'lstm';
  architecture: NeuralArchitecture;
  gates: GateSpec;
  weights?: WeightsSection;
  onnx?: OnnxSection;
}

export interface GruManifest extends TextManifestBase {
  kind: 'gru';
  architecture: NeuralArchitecture;
  /** `linearBeforeReset` is ONNX's GRU attribute: 1 applies the reset gate after the recurrent matmul (as cuDNN/PyTorch), 0 before (D2L 10.2). */
  gates: GateSpec & { linearBeforeReset: 0 | 1 };
  weights?: WeightsSection;
  onnx?: OnnxSection;
}

export type NeuralManifest = RnnManifest | GruManifest | LstmManifest;

export interface NgramSpec {
  order: number;
  estimator: NgramEstimator;
  /** Additive constant for `addk` (required there, k > 0). */
  k?: number;
  /** Absolute discounts for `kn` (required there), as the estimator defines them. */
  discounts?: number[];
  /** Whether sentences were padded with `<s>`/`</s>` (which must then be in the vocabulary). */
  sentenceBoundaries: boolean;
  /** Distinct n-grams of each order; `counts[0]` is unigrams, length `order`. */
  counts: number[];
  /** Path of a `files` entry with role `ngram` or `arpa`. */
  file: string;
}

export interface NgramManifest extends TextManifestBase {
  kind: 'ngram';
  ngram: NgramSpec;
}

/** The D2L 9.1 autoregressive MLP: predict x_t from the `tau` previous values. */
export interface TsMlpArchitecture {
  tau: number;
  hiddenSizes: number[];
  activation: 'relu' | 'tanh';
}

export interface TsMlpManifest extends ManifestBase {
  kind: 'ts-mlp';
  architecture: TsMlpArchitecture;
  /** Present when the series was standardised before training: x' = (x - mean) / std. */
  standardization?: { mean: number; std: number };
  weights?: WeightsSection;
  onnx?: OnnxSection;
}

/** One model of a mixture: a model directory relative to the mixture's, and its weight λ. */
export interface MixtureComponent {
  /** `/`-separated path of the component's directory, relative to the mixture's (`../tm-gru`). */
  path: string;
  /** SHA-256 of the component's manifest.json bytes, so a changed component is refused. */
  manifestSha256: string;
  /** λ_i >= 0; the weights of a mixture sum to 1. */
  weight: number;
}

/**
 * A linear interpolation p(w | ctx) = Σ_i λ_i p_i(w | ctx) of language models
 * with the same text pipeline, over the union of their vocabularies (`vocab`).
 */
export interface MixtureManifest extends TextManifestBase {
  kind: 'mixture';
  mixture: { components: MixtureComponent[] };
}

export type Manifest = RnnManifest | GruManifest | LstmManifest | NgramManifest | TsMlpManifest | MixtureManifest;

/** Every manifest of a model that predicts tokens. */
export type LanguageManifest = NeuralManifest | NgramManifest | MixtureManifest;

export interface ManifestProblem {
  /** JSON path of the offending value, e.g. `$.files[1].sha256`. */
  path: string;
  message: string;
}

export type ManifestValidation = { ok: true; manifest: Manifest } | { ok: false; problems: ManifestProblem[] };
