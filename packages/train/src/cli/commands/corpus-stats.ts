import { writeFile } from 'node:fs/promises';
import { SeqlmError } from '@seqlm/core/errors';
import { NORMALIZATIONS, TOKENIZERS } from '@seqlm/core/text';
import { summarizeCorpus, type CorpusSummary, type LoadedCorpus } from '../../corpus/index.ts';
import { ngramLabel, renderSvg, zipfChartSpec } from '../../plot/index.ts';
import { CORPUS_OPTIONS, corpusChoice, loadCorpusChoice } from '../corpus-flags.ts';
import { defineCommand } from '../command.ts';
import { choice, outputFile, positiveInt } from '../flags.ts';

export const corpusStats = defineCommand({
  name: 'corpus stats',
  summary: 'Token count, vocabulary, top n-grams and Zipf exponents of a corpus, with an optional log-log plot',
  description:
    'Loads a corpus (from --data-dir or SEQLM_DATA_DIR when set, else the cache, else a verified download), normalises and tokenizes it, ' +
    "and reports uni-, bi- and trigram statistics as in D2L 9.2.2. The Zipf exponent s is the slope of log n_i = -s log i + c fitted over all ranks, with its R².",
  options: {
    ...CORPUS_OPTIONS,
    tokenizer: { type: 'string', valueName: 'kind', description: `Tokens: ${TOKENIZERS.join(' | ')}`, default: 'char' },
    normalization: {
      type: 'string',
      valueName: 'kind',
      description: `Text normalisation: ${NORMALIZATIONS.join(' | ')} (default: the corpus's own, d2l for timemachine, raw otherwise)`,
    },
    top: { type: 'string', valueName: 'k', description: 'How many of the most frequent n-grams to list per order', default: '10' },
    plot: { type: 'string', valueName: 'file.svg', description: 'Write a log-log rank-frequency plot of uni-, bi- and trigrams as SVG' },
    json: { type: 'boolean', description: 'Print the statistics as JSON instead of text' },
  },
  examples: [
    'seqlm corpus stats --corpus timemachine',
    'seqlm corpus stats --corpus timemachine --tokenizer word --plot zipf.svg',
    'seqlm corpus stats --corpus-file notes.txt --normalization d2l --json',
  ],
  async run({ values, io }) {
    const source = corpusChoice(values, io);
    const tokenizer = choice('tokenizer', values.tokenizer, TOKENIZERS, 'char');
    const explicitNormalization = choice('normalization', values.normalization, NORMALIZATIONS);
    const top = positiveInt('top', values.top, 10);
    const plot = values.plot === undefined ? undefined : outputFile('plot', values.plot, io.cwd);

    const corpus = await loadCorpusChoice(source, io);
    const normalization = explicitNormalization ?? corpus.entry?.defaultNormalization ?? 'raw';
    const summary = summarizeCorpus(corpus.text, { tokenizer, normalization, top });
    if (summary.tokens === 0) throw new SeqlmError('CORPUS_TOO_SHORT', `${corpus.path} has no tokens after ${normalization} normalisation`);

    if (plot !== undefined) {
      const spec = zipfChartSpec(
        summary.orders.map((o) => ({ label: ngramLabel(o.order), points: o.points })),
        { title: `${corpus.name}: ${tokenizer} n-gram frequencies` },
      );
      await writeOutput(plot, await renderSvg(spec));
    }
    io.stdout.write(values.json ? `${JSON.stringify(toJSON(corpus, summary, plot), null, 2)}\n` : formatText(corpus, summary, plot));
  },
});

async function writeOutput(path: string, text: string): Promise<void> {
  try {
    await writeFile(path, text);
  } catch (error) {
    throw new SeqlmError('IO_ERROR', `cannot write ${path}: ${(error as Error).message}`, { path }, { cause: error });
  }
}

/** How an n-gram reads in the report: chars joined as a quoted string, words separated by spaces. */
function showGram(gram: readonly string[], tokenizer: string): string {
  return JSON.stringify(gram.join(tokenizer === 'char' ? '' : ' '));
}

function formatText(corpus: LoadedCorpus, summary: CorpusSummary, plot: string | undefined): string {
  const lines = [
    `corpus         ${corpus.name} (${corpus.source}: ${corpus.path})`,
    `normalization  ${summary.normalization}`,
    `tokenizer      ${summary.tokenizer}`,
    `tokens         ${summary.tokens}`,
    `vocab size     ${summary.vocabSize} (including <unk>)`,
  ];
  for (const order of summary.orders) {
    const label = ngramLabel(order.order);
    lines.push('', `top ${order.top.length} ${label}s of ${order.distinct} distinct (${order.total} in all):`);
    const width = Math.max(...order.top.map((t) => showGram(t.gram, summary.tokenizer).length));
    order.top.forEach((t, i) => {
      lines.push(`  ${String(i + 1).padStart(3)}. ${showGram(t.gram, summary.tokenizer).padEnd(width)}  ${t.count}`);
    });
  }
  lines.push('', 'Zipf exponents (log n_i = -s log i + c, least squares over all ranks):');
  for (const order of summary.orders) {
    const fit = order.zipf;
    lines.push(
      `  ${ngramLabel(order.order).padEnd(8)} ${fit === null ? 'n/a (fewer than 2 distinct)' : `s = ${fit.exponent.toFixed(3)}  R² = ${fit.r2.toFixed(3)}  (${fit.points} ranks)`}`,
    );
  }
  if (plot !== undefined) lines.push('', `plot written to ${plot}`);
  return `${lines.join('\n')}\n`;
}

function toJSON(corpus: LoadedCorpus, summary: CorpusSummary, plot: string | undefined): unknown {
  return {
    corpus: { name: corpus.name, source: corpus.source, path: corpus.path, bytes: corpus.bytes, sha256: corpus.sha256 },
    normalization: summary.normalization,
    tokenizer: summary.tokenizer,
    tokens: summary.tokens,
    vocabSize: summary.vocabSize,
    orders: summary.orders.map((o) => ({
      order: o.order,
      name: ngramLabel(o.order),
      total: o.total,
      distinct: o.distinct,
      top: o.top.map((t) => ({ gram: t.gram, count: t.count })),
      zipf: o.zipf,
    })),
    plot: plot ?? null,
  };
}
