/**
 * Request limits, in one place so the schemas, the OpenAPI document and the
 * README agree. Sized from the measured in-worker costs on the default model
 * (a char GRU with H = 256: ~0.025 ms per prompt token in the one prefill run,
 * ~0.05 ms per generated token) so that a request at either limit stays near
 * the Workers free plan's 10 ms CPU budget; the README has the figures.
 */

/** Largest request body read at all; anything bigger is refused (413) before parsing. */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * Longest `text` (next, score) or `prompt` (generate), in Unicode code points
 * before normalisation (413 above). Code points, not UTF-16 units, because
 * that is what zod's `.max()` counts and what the char tokenizer splits on, so
 * the limit bounds the tokens a request can cost: an emoji counts once.
 */
export const MAX_TEXT_CHARS = 400;

/**
 * Longest /generate `prompt`, in code points (413 above). Shorter than
 * MAX_TEXT_CHARS so that a request at both generate limits stays within the
 * 10 ms budget: measured on a char GRU-256, prefill costs ~0.018 ms per prompt
 * token and each generated token ~0.039 ms, so 100 + 200 tokens ≈ 9.6 ms.
 */
export const MAX_PROMPT_CHARS = 100;

/** Longest model id in a path (400 above); configured ids are directory names, far shorter. */
export const MAX_MODEL_ID_CHARS = 128;

/** Most tokens one /generate call may ask for (400 above). */
export const MAX_GENERATE_TOKENS = 200;

/** Largest `topK` accepted anywhere; it is clamped to the vocabulary size. */
export const MAX_TOP_K = 65_536;
/** Tokens listed by /next when `topK` is not given. */
export const DEFAULT_NEXT_TOP_K = 10;

/** Temperatures above this flatten any distribution to uniform for practical purposes. */
export const MAX_TEMPERATURE = 100;

/** Seeds are unsigned 32-bit integers, so a seed round-trips through any client. */
export const MAX_SEED = 0xffff_ffff;

/** Most candidate texts one /rank call may order (400 above). */
export const MAX_RANK_CANDIDATES = 8;

/** Longest /rank candidate, in code points (413 above): 8 × 100 code points cost about what one /score of 400 does, twice. */
export const MAX_RANK_CHARS = 100;
