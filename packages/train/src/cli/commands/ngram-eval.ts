import { readFile } from 'node:fs/promises';
import { SeqlmError } from '@seqlm/core/errors';
import { scoreTokens, type TextScore } from '@seqlm/core/ngram';
import { getTokenizer, normalize } from '@seqlm/core/text';
import { formatPerplexity, readNgramModelDir, type NgramModelDir } from '../../ngram/index.ts';
import { defineCommand } from '../command.ts';
import { existingDir, existingFile, usageError } from '../flags.ts';
import { jsonNumber } from './ngram-flags.ts';

export const ngramEval = defineCommand({
  name: 'ngram eval',
  summary: 'Perplexity, OOV count and cross-entropy of an n-gram model on a text file',
  description:
    "Checks the model directory (manifest, file size and sha256), normalises and tokenizes the text as the model's manifest says, " +
    'and scores it as one sequence: perplexity = exp(-1/n Σ ln p(x_t | x_{t-N+1} .. x_{t-1})) (D2L 9.3), over all tokens and over the ' +
    'tokens the vocabulary knows (OOV tokens are scored as <unk>). A perplexity is ∞ when some token has probability 0, as unseen n-grams do under MLE.',
  options: {
    model: { type: 'string', short: 'm', valueName: 'dir', description: 'Model directory written by "seqlm ngram build" (required)' },
    'text-file': { type: 'string', valueName: 'path', description: 'UTF-8 text to score (required)' },
    json: { type: 'boolean', description: 'Print the scores as JSON instead of text (an infinite value is null, with a reason)' },
  },
  examples: ['seqlm ngram eval --model models/tm-char-5 --text-file chapter.txt', 'seqlm ngram eval -m models/tm-char-5 --text-file chapter.txt --json'],
  async run({ values, io }) {
    if (values.model === undefined) throw usageError('give --model <dir>, a directory written by "seqlm ngram build"');
    if (values['text-file'] === undefined) throw usageError('give --text-file <path>, the text to score');
    const dir = existingDir('model', values.model, io.cwd);
    const textFile = existingFile('text-file', values['text-file'], io.cwd);
    const loaded = await readNgramModelDir(dir);
    const text = await readText(textFile);
    const { tokenizer, normalization } = loaded.manifest.text;
    const tokens = getTokenizer(tokenizer).tokenize(normalize(text, normalization));
    // A perplexity over zero tokens is 0/0: refuse rather than print "n/a" and succeed.
    if (tokens.length === 0) throw new SeqlmError('CORPUS_TOO_SHORT', `the text has no tokens to score: ${textFile} is empty after ${normalization} normalisation`, { path: textFile });
    const score = scoreTokens(loaded.model, tokens);
    io.stdout.write(values.json ? `${JSON.stringify(toJSON(loaded, textFile, score), null, 2)}\n` : formatText(loaded, textFile, score));
  },
});

async function readText(path: string): Promise<string> {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(await readFile(path));
  } catch (error) {
    const reason = error instanceof TypeError ? 'not valid UTF-8' : (error as Error).message;
    throw new SeqlmError('IO_ERROR', `cannot read ${path}: ${reason}`, { path }, { cause: error });
  }
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
  const m = loaded.manifest;
  return `${m.name ?? loaded.dir}: ${m.ngram.estimator} ${m.ngram.order}-gram, ${m.text.tokenizer} tokens, ${m.text.normalization} normalisation`;
}

function formatText(loaded: NgramModelDir, textFile: string, score: TextScore): string {
  const zero = zeroProbabilityTokens(score);
  const ce = score.crossEntropy;
  const lines = [
    `model            ${describeModel(loaded)}`,
    `text             ${textFile}`,
    `tokens           ${score.tokens}`,
    `oov              ${score.oov}`,
    `perplexity       ${formatPerplexity(score.perplexity)} (including OOV)${zero > 0 ? `; ${zero} token(s) have probability 0` : ''}`,
    `perplexity       ${formatPerplexity(score.perplexityExcludingOov)} (excluding OOV)`,
    `cross-entropy    ${ce === undefined ? 'n/a' : Number.isFinite(ce.bits) ? `${ce.bits.toFixed(4)} bits/token (${ce.nats.toFixed(4)} nats)` : '∞'}`,
  ];
  return `${lines.join('\n')}\n`;
}

function toJSON(loaded: NgramModelDir, textFile: string, score: TextScore): unknown {
  const m = loaded.manifest;
  return {
    model: { dir: loaded.dir, name: m.name ?? null, estimator: m.ngram.estimator, order: m.ngram.order, tokenizer: m.text.tokenizer, normalization: m.text.normalization },
    textFile,
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
