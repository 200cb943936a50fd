import type { LanguageModel, TextScore } from '@seqlm/core/lm';
import { LM_RUNTIMES, loadModelDir } from '../../runtime/index.ts';
import { defineCommand } from '../command.ts';
import { choice, existingDir, exclusive, usageError } from '../flags.ts';
import { readTextArgument } from '../read-text.ts';

const fmt = (x: number | null, digits = 4): string => (x === null ? '—' : Number.isFinite(x) ? x.toFixed(digits) : String(x));

/** One ranked candidate: its text, total ln p, and per-token perplexity. */
interface RankedCandidate {
  rank: number;
  text: string;
  logProb: number;
  tokens: number;
  perplexity: number | null;
}

function perTokenLines(score: TextScore): string[] {
  const lines = ['token\tln p\tsurprisal (bits)\toov'];
  for (const t of score.tokens) {
    const bits = t.logProb === null ? null : -t.logProb / Math.LN2;
    lines.push(`${JSON.stringify(t.token)}\t${fmt(t.logProb)}\t${fmt(bits, 3)}\t${t.oov ? 'OOV' : ''}${t.trailing ? ' (after the text)' : ''}`);
  }
  return lines;
}

function summaryLines(score: TextScore): string[] {
  return [
    `tokens         ${score.tokens.length} (${score.scored} scored, ${score.oov} OOV)`,
    `cross-entropy  ${fmt(score.crossEntropy?.nats ?? null)} nats, ${fmt(score.crossEntropy?.bits ?? null)} bits per token`,
    `perplexity     ${fmt(score.perplexity)} (excluding OOV: ${fmt(score.excludingOov.perplexity)})`,
  ];
}

const jsonNumber = (x: number | null): number | string | null => (x === null || Number.isFinite(x) ? x : String(x));

/** Orders candidate texts by total log-probability under `model`, most likely first (ties keep input order). */
export async function rankCandidates(model: LanguageModel, candidates: readonly string[]): Promise<RankedCandidate[]> {
  const scored = await Promise.all(
    candidates.map(async (text, i) => {
      const s = await model.score(text);
      return { i, text, logProb: s.logProb, tokens: s.scored, perplexity: s.perplexity };
    }),
  );
  scored.sort((a, b) => b.logProb - a.logProb || a.i - b.i);
  return scored.map(({ text, logProb, tokens, perplexity }, rank) => ({ rank: rank + 1, text, logProb, tokens, perplexity }));
}

export const score = defineCommand({
  name: 'score',
  summary: 'Score a text with any model directory: per-token surprisal and perplexity, or rank candidate texts',
  description:
    'Loads a model directory (n-gram, RNN/GRU/LSTM or mixture; every file verified), reads the text as the model was trained (same normalisation and tokenizer) ' +
    'and prints each token with ln p(token | everything before it), its surprisal in bits and an OOV mark, then the cross-entropy and perplexity (D2L 9.3). ' +
    'A neural model makes no prediction for the first token. With --rank, each non-empty line is a candidate and the candidates are printed most likely first, ' +
    'by total log-probability ("recognize speech" vs "wreck a nice beach").',
  options: {
    model: { type: 'string', short: 'm', valueName: 'dir', description: 'Model directory holding manifest.json (required)' },
    'text-file': { type: 'string', valueName: 'path', description: 'UTF-8 text to score; - reads standard input' },
    text: { type: 'string', valueName: 'text', description: 'The text itself, instead of --text-file' },
    rank: { type: 'boolean', description: 'Rank the lines of the text as candidates, most likely first' },
    json: { type: 'boolean', description: 'Print JSON instead of a table' },
    runtime: { type: 'string', valueName: 'name', description: `What runs a neural model: ${LM_RUNTIMES.join(', ')}`, default: 'auto' },
  },
  examples: [
    'seqlm score --model models/tm-mix --text "the time traveller"',
    'cat chapter.txt | seqlm score --model models/tm-gru --text-file - --json',
    'printf "to recognize speech\\nto wreck a nice beach\\n" | seqlm score --model models/tm-5gram --text-file - --rank',
  ],
  async run({ values, io }) {
    if (values.model === undefined) throw usageError('--model <dir> is required');
    exclusive(values as Record<string, unknown>, 'text', 'text-file');
    if (values.text === undefined && values['text-file'] === undefined) throw usageError('give --text <text> or --text-file <path|->');
    const dir = existingDir('model', values.model, io.cwd);
    const runtime = choice('runtime', values.runtime, LM_RUNTIMES, 'auto');
    const text = values.text ?? (await readTextArgument('text-file', values['text-file'] as string, io));
    const model = await loadModelDir(dir, { runtime });

    if (values.rank) {
      const candidates = text.split(/\r?\n/).filter((l) => l.trim().length > 0);
      if (candidates.length === 0) throw usageError('--rank needs at least one non-empty line');
      const ranked = await rankCandidates(model, candidates);
      if (values.json) {
        io.stdout.write(`${JSON.stringify({ model: model.id, candidates: ranked.map((r) => ({ ...r, logProb: jsonNumber(r.logProb), perplexity: jsonNumber(r.perplexity) })) }, null, 2)}\n`);
      } else {
        io.stdout.write(`rank\tln p\tppl/token\ttext\n${ranked.map((r) => `${r.rank}\t${fmt(r.logProb, 3)}\t${fmt(r.perplexity, 3)}\t${r.text}`).join('\n')}\n`);
      }
      return;
    }
    const s = await model.score(text);
    if (values.json) {
      const out = {
        model: model.id,
        tokens: s.tokens.map((t) => ({ ...t, logProb: jsonNumber(t.logProb) })),
        scored: s.scored,
        oov: s.oov,
        logProb: jsonNumber(s.logProb),
        crossEntropy: s.crossEntropy,
        perplexity: jsonNumber(s.perplexity),
        excludingOov: { ...s.excludingOov, logProb: jsonNumber(s.excludingOov.logProb), perplexity: jsonNumber(s.excludingOov.perplexity) },
      };
      io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      return;
    }
    io.stdout.write(`${[...perTokenLines(s), '', ...summaryLines(s)].join('\n')}\n`);
  },
});
