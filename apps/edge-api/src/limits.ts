/**
 * Request limits, in one place so the schemas, the OpenAPI document and the
 * README agree. Sized from the CPU that `npm run bench` measures inside
 * workerd on the default model (a char GRU with H = 256), so that a request at
 * the limits costs the app ≤ 8 ms of CPU, under the Workers Free plan's 10 ms:
 * onnxruntime-web spends ~0.033 ms per prompt token in the one prefill run and
 * ~0.08–0.1 ms per generated token (one run per token, over half of it the
 * run's own overhead); parsing, validation and the answer add ~0.3 ms.
 */

/** Largest request body read at all; anything bigger is refused (413) before parsing. */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * Longest `text` (next, score) or `prompt` (generate), in Unicode code points
 * before normalisation (413 above). Code points, not UTF-16 units, because
 * that is what zod's `.max()` counts and what the char tokenizer splits on, so
 * the limit bounds the tokens a request can cost: an emoji counts once.
 * 200 tokens of prefill ≈ 6.7 ms; it was 400 (≈ 13.5 ms measured).
 */
export const MAX_TEXT_CHARS = 200;

/**
 * Longest /generate `prompt`, in code points (413 above). Shorter than
 * MAX_TEXT_CHARS so that a request at both generate limits stays within the
 * budget: 50 prompt tokens ≈ 1.7 ms, 48 generated ≈ 4–5 ms (it was 100 + 200
 * tokens, ≈ 19 ms measured; 64 tokens measured 7.7–8.3 ms, too close).
 */
export const MAX_PROMPT_CHARS = 50;

/** Longest model id in a path (400 above); configured ids are directory names, far shorter. */
export const MAX_MODEL_ID_CHARS = 128;

/** Most tokens one /generate call may ask for (400 above); continue with another call for more. It was 200. */
export const MAX_GENERATE_TOKENS = 48;

/** Largest `topK` accepted anywhere; it is clamped to the vocabulary size. */
export const MAX_TOP_K = 65_536;
/** Tokens listed by /next when `topK` is not given. */
export const DEFAULT_NEXT_TOP_K = 10;

/** Temperatures above this flatten any distribution to uniform for practical purposes. */
export const MAX_TEMPERATURE = 100;

/** Seeds are unsigned 32-bit integers, so a seed round-trips through any client. */
export const MAX_SEED = 0xffff_ffff;

/** Most candidate texts one /rank call may order (400 above). */
export const MAX_RANK_CANDIDATES = 4;

/** Longest /rank candidate, in code points (413 above): 4 × 50 cost what one /score at MAX_TEXT_CHARS does. */
export const MAX_RANK_CHARS = 50;
