/**
 * Every failure raised by @seqlm/core is a `SeqlmError` with a stable `code`,
 * so callers (the CLI, the edge API, the playground) can map it to an exit
 * status, an HTTP status or a message without parsing text.
 */
export const ERROR_CODES = [
  'INVALID_ARGUMENT',
  'SHAPE_MISMATCH',
  'VOCAB_INVALID',
  'VOCAB_OOV',
  'CORPUS_TOO_SHORT',
  'NGRAM_INVALID',
  'ARPA_INVALID',
  'MANIFEST_INVALID',
  'HASH_MISMATCH',
  'WEIGHTS_INVALID',
  'MODEL_INVALID',
  'NON_FINITE',
  'UNSUPPORTED',
  // Raised by @seqlm/train (Node side), kept here so every package shares one list.
  'USAGE',
  'CORPUS_UNKNOWN',
  'CORPUS_NOT_FOUND',
  'DOWNLOAD_FAILED',
  'IO_ERROR',
  'EXPORT_MISMATCH',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class SeqlmError extends Error {
  readonly code: ErrorCode;
  /** Structured context (a line number, a JSON path, the offending value). */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SeqlmError';
    this.code = code;
    this.details = details;
  }
}

export function isSeqlmError(value: unknown): value is SeqlmError {
  return value instanceof SeqlmError;
}

/** Throws `INVALID_ARGUMENT` unless `condition` holds. */
export function assertArgument(condition: unknown, message: string, details?: Record<string, unknown>): asserts condition {
  if (!condition) throw new SeqlmError('INVALID_ARGUMENT', message, details);
}
