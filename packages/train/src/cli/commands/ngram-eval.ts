import { readFile } from 'node:fs/promises';
import { SeqlmError } from '@seqlm/core/errors';
import { EOS, scoreIds, tokenScores, type TextScore } from '@seqlm/core/ngram';
import { formatPerplexity, NGRAM_BOUNDARIES, textSequences, tokenCount, type NgramBoundaries } from '../../ngram/index.ts';
import { defineCommand } from '../command.ts';
import { choice, existingDir, existingFile, readStdin, STDIN, usageError } from '../flags.ts';
import { jsonNumber } from './ngram-flags.ts';
import { loadNgramModelDir, type NgramModelDir } from './ngram-model.ts';

export const ngramEval = defineCommand({
  name: 'ngram eval',
  summary: 'Perplexity, OOV count and cross-entropy of an n-gram model on a text file',
  description:
    "Checks the model directory (manifest, file size and sha256), normalises and tokenizes the text as the model's manifest says, " +
    'and scores it: perplexity = exp(-1/n Σ ln p(x_t | x_{t-N+1} .. x_{t-1})) (D2L 9.3), over all tokens and over the ' +
    'tokens the vocabulary knows (OOV tokens are scored as <unk>). A perplexity is ∞ when some token has probability 0, as unseen n-grams do under MLE. ' +
    "With --boundaries lines (the default for a model built with it) each non-empty line is scored on its own as <s> … </s>, </s> included, as KenLM's query does; " +
    'with none the whole text is one sequence. --per-token adds each token with its log10 p, the length of the n-gram that matched and an OOV mark.',
  options: {
    model: { type: 'string', short: 'm', valueName: 'dir', description: 'Model directory written by "seqlm ngram build" or "seqlm ngram import" (required)' },
    'text-file': { type: 'string', valueName: 'path', description: 'UTF-8 text to score (required; "-" reads standard input)' },
    boundaries: {
      type: 'string',
      valueName: 'kind',
      description: 'none | lines (default: lines for a model with sentence boundaries, none otherwise)',
    },
    'per-token': { type: 'boolean', description: 'Also print every token: log10 p, matched n-gram order, OOV mark (a "perToken" array with --json)' },
    json: { type: 'boolean', description: 'Print the scores as JSON instead of text (an infinite value is null, with a reason)' },
  },
  examples: [
    'seqlm ngram eval --model models/tm-char-5 --text-file chapter.txt',
    'seqlm ngram eval -m models/tm-char-5 --text-file chapter.txt --json',
    'echo "the time machine" | seqlm ngram eval -m models/tm-word-3 --text-file - --boundaries lines --per-token',
  ],
  async run({ values, io }) {
    if (values.model === undefined) throw usageError('give --model <dir>, a directory written by "seqlm ngram build"');
    if (values['text-file'] === undefined) throw usageError('give --text-file <path>, the text to score ("-" for standard input)');
    const dir = existingDir('model', values.model, io.cwd);
    const fromStdin = values['text-file'] === STDIN;
    const textFile = fromStdin ? '<stdin>' : existingFile('text-file', values['text-file'], io.cwd);
    const given = choice('boundaries', values.boundaries, NGRAM_BOUNDARIES);
    const loaded = await loadNgramModelDir(dir, 'ngram eval');
    const boundaries = given ?? (loaded.lm.manifest.ngram.sentenceBoundaries ? 'lines' : 'none');
    const text = decodeText(fromStdin ? await readStdin('text-file', io.stdin) : await readBytes(textFile), textFile);
    const { tokenizer, normalization } = loaded.lm.manifest.text;
    const sequences = textSequences(text, normalization, tokenizer, boundaries);
    // A perplexity over zero tokens is 0/0: refuse rather than print "n/a" and succeed.
    if (tokenCount(sequences) === 0) {
      throw new SeqlmError('CORPUS_TOO_SHORT', `the text has no tokens to score: ${textFile} is empty after ${normalization} normalisation`, { path: textFile });
    }
    // KenLM's per-line <s> … </s> needs several sequences, so score with core's scoreIds on the counting model;
    // with --boundaries none this is the runtime's LanguageModel.score, number for number (ngram-runtime.test.ts).
    const { model } = loaded;
    const ids = sequences.map((s) => model.vocab.encode(s));
    const score = scoreIds(model, ids);
    const perToken = values['per-token'] === true ? perTokenRows(model, sequences, ids) : undefined;
    if (values.json) {
      const report = { ...(toJSON(loaded, textFile, score, boundaries) as object), ...(perToken ? { perToken: perToken.map(jsonRow) } : {}) };
      io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return;
    }
    if (perToken) io.stdout.write(perToken.map(textRow).join(''));
    io.stdout.write(formatText(loaded, textFile, score, boundaries));
  },
});

async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new SeqlmError('IO_ERROR', `cannot read ${path}: ${(error as Error).message}`, { path }, { cause: error });
  }
}

function decodeText(bytes: Uint8Array, path: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new SeqlmError('IO_ERROR', `cannot read ${path}: not valid UTF-8`, { path }, { cause: error });
  }
}

interface TokenRow {
  /** The token as the text spells it (an OOV token keeps its spelling). */
  token: string;
  log10Prob: number;
  order: number;
  oov: boolean;
}

function perTokenRows(model: NgramModelDir['model'], sequences: readonly string[][], ids: readonly Int32Array[]): TokenRow[] {
  const rows: TokenRow[] = [];
  tokenScores(model, ids).forEach((scores, s) => {
    const tokens = sequences[s] as string[];
    scores.forEach((t, i) => rows.push({ token: i < tokens.length ? (tokens[i] as string) : EOS, log10Prob: t.log10Prob, order: t.order, oov: t.oov }));
  });
  return rows;
}

// Whitespace tokens of a char model are shown as ARPA escapes them, so each row stays one line.
const SHOWN: Record<string, string> = { '\\': '\\\\', ' ': '\\s', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\f': '\\f', '\v': '\\v' };

function textRow(r: TokenRow): string {
  const lp = r.log10Prob === Number.NEGATIVE_INFINITY ? '-inf' : r.log10Prob.toFixed(6);
  return `${r.token.replace(/[\\ \t\n\r\f\v]/g, (c) => SHOWN[c] as string)}\t${lp}\t${r.order}${r.oov ? '\tOOV' : ''}\n`;
}

function jsonRow(r: TokenRow): unknown {
  return { token: r.token, log10Prob: jsonNumber(r.log10Prob), order: r.order, oov: r.oov };
}

/** Why a perplexity is missing from the report: core's reason, or `zero-probability` for ∞. */
function undefinedReason(perplexity: number | undefined, reason: string | undefined): string | null {
  if (perplexity === Number.POSITIVE_INFINITY) return 'zero-probability';
  return reason ?? null;
}

function zeroProbabilityTokens(score: TextScore): number {
  return score.logProbs.reduce((n, lp) => (lp === Number.NEGATIVE_INFINITY ? n + 1 : n), 0);
}

function describeModel(loaded: NgramModelDir): string {
  const m = loaded.lm.manifest;
  return `${m.name ?? loaded.dir}: ${m.ngram.estimator} ${m.ngram.order}-gram, ${m.text.tokenizer} tokens, ${m.text.normalization} normalisation`;
}

function formatText(loaded: NgramModelDir, textFile: string, score: TextScore, boundaries: NgramBoundaries): string {
  const zero = zeroProbabilityTokens(score);
  const ce = score.crossEntropy;
  const lines = [
    `model            ${describeModel(loaded)}`,
    `text             ${textFile}${boundaries === 'lines' ? ' (each non-empty line a sequence)' : ''}`,
    `tokens           ${score.tokens}`,
    `oov              ${score.oov}`,
    `perplexity       ${formatPerplexity(score.perplexity)} (including OOV)${zero > 0 ? `; ${zero} token(s) have probability 0` : ''}`,
    `perplexity       ${formatPerplexity(score.perplexityExcludingOov)} (excluding OOV)`,
    `cross-entropy    ${ce === undefined ? 'n/a' : Number.isFinite(ce.bits) ? `${ce.bits.toFixed(4)} bits/token (${ce.nats.toFixed(4)} nats)` : '∞'}`,
  ];
  return `${lines.join('\n')}\n`;
}

function toJSON(loaded: NgramModelDir, textFile: string, score: TextScore, boundaries: NgramBoundaries): unknown {
  const m = loaded.lm.manifest;
  return {
    model: { dir: loaded.dir, name: m.name ?? null, estimator: m.ngram.estimator, order: m.ngram.order, tokenizer: m.text.tokenizer, normalization: m.text.normalization },
    textFile,
    boundaries,
    tokens: score.tokens,
    oov: score.oov,
    zeroProbabilityTokens: zeroProbabilityTokens(score),
    perplexity: jsonNumber(score.perplexity),
    perplexityUndefined: undefinedReason(score.perplexity, score.perplexityUndefined),
    perplexityExcludingOov: jsonNumber(score.perplexityExcludingOov),
    perplexityExcludingOovUndefined: undefinedReason(score.perplexityExcludingOov, score.perplexityExcludingOovUndefined),
    crossEntropyBits: jsonNumber(score.crossEntropy?.bits),
    crossEntropyNats: jsonNumber(score.crossEntropy?.nats),
    crossEntropyBitsExcludingOov: jsonNumber(score.crossEntropyExcludingOov?.bits),
  };
}
