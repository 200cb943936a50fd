import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { sha256Hex } from '@seqlm/core/manifest';
import { BOS, EOS, readArpa } from '@seqlm/core/ngram';
import { NORMALIZATIONS, TOKENIZERS, type TokenizerKind } from '@seqlm/core/text';
import { UNK } from '@seqlm/core/vocab';
import { inFile, writeNgramModelDir } from '../../ngram/index.ts';
import { defineCommand } from '../command.ts';
import { choice, existingFile, readStdin, STDIN, usageError } from '../flags.ts';
import { ngramOutDir } from './ngram-flags.ts';

export const ngramImport = defineCommand({
  name: 'ngram import',
  summary: 'Turn an ARPA file (KenLM, SRILM, IRSTLM, or seqlm --arpa) into a model directory that ngram eval and sample serve',
  description:
    'Reads the ARPA backoff model (every malformed line is refused with its line number; <s> and </s> must be listed, as KenLM requires), ' +
    'then writes <out>/manifest.json and <out>/model.ngram atomically, like "seqlm ngram build". An ARPA file holds probabilities, not counts, ' +
    'so there is no stats.json and no training corpus size. A model whose </s> and <s> both have log10 p = -99 was trained without sentence ' +
    'boundaries and is served as one running text; otherwise each line is a sentence.',
  positionals: [{ name: 'file.arpa', description: 'The ARPA file, UTF-8 ("-" reads standard input)' }],
  options: {
    out: { type: 'string', short: 'o', valueName: 'dir', description: 'Model directory to write (required); its parent must exist' },
    tokenizer: {
      type: 'string',
      valueName: 'kind',
      description: `How text becomes the model's tokens: ${TOKENIZERS.join(' | ')} (default: char when every token is one character, else word)`,
    },
    normalization: { type: 'string', valueName: 'kind', description: `How text is normalised before tokenizing: ${NORMALIZATIONS.join(' | ')}`, default: 'raw' },
    escape: { type: 'boolean', description: 'Tokens are escaped as seqlm writes char models (\\s space, \\n newline, \\t tab, \\\\ backslash)' },
    name: { type: 'string', valueName: 'name', description: 'Model name for the manifest (default: the file name without .arpa)' },
    json: { type: 'boolean', description: 'Print the summary as JSON instead of text' },
  },
  examples: ['seqlm ngram import lm.arpa --tokenizer word --out models/kenlm-5', 'seqlm ngram import models/sh-6/model.arpa --escape --out models/sh-6-copy'],
  async run({ values, positionals, io }) {
    const [source, extra] = positionals;
    if (source === undefined) throw usageError('give the ARPA file to import (or "-" for standard input)');
    if (extra !== undefined) throw usageError(`one ARPA file at a time (got also ${JSON.stringify(extra)})`);
    if (values.out === undefined) throw usageError('give --out <dir>, the model directory to write');
    const explicitTokenizer = choice('tokenizer', values.tokenizer, TOKENIZERS);
    const normalization = choice('normalization', values.normalization, NORMALIZATIONS, 'raw');
    const fromStdin = source === STDIN;
    const path = fromStdin ? '<stdin>' : existingFile('file.arpa', source, io.cwd);
    const out = await ngramOutDir(values.out, io.cwd);
    const started = performance.now();
    const bytes = fromStdin ? await readStdin('file.arpa', io.stdin) : await readFile(path);
    const model = inFile(path, () => readArpa(bytes, { escape: values.escape === true }));
    const tokenizer = explicitTokenizer ?? guessTokenizer(model.vocab.tokens);
    if (tokenizer === 'char') {
      const long = model.vocab.tokens.filter((t) => !SPECIAL.has(t) && [...t].length !== 1);
      if (long.length > 0) {
        throw usageError(`--tokenizer char: ${long.length} of the model's tokens are not single characters (e.g. ${JSON.stringify(long[0])}); use --tokenizer word`);
      }
    }
    const name = values.name ?? (fromStdin ? 'stdin' : basename(path).replace(/\.arpa$/i, ''));
    const written = await writeNgramModelDir(out, model, {
      text: { tokenizer, normalization },
      name,
      training: {
        corpus: fromStdin ? 'stdin' : basename(path),
        backend: 'arpa-import',
        hyperparameters: { source: 'arpa', arpaSha256: sha256Hex(bytes), arpaBytes: bytes.length, escape: values.escape === true },
        wallTimeSeconds: (performance.now() - started) / 1000,
        createdAt: new Date().toISOString(),
      },
    });
    const m = written.manifest;
    const summary = {
      dir: written.dir,
      source: path,
      order: m.ngram.order,
      ngramCounts: m.ngram.counts,
      vocabSize: m.vocab.tokens.length,
      sentenceBoundaries: m.ngram.sentenceBoundaries,
      tokenizer,
      normalization,
      files: written.bytes,
    };
    if (values.json) {
      io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      return;
    }
    const lines = [
      `model          ${written.dir}`,
      `source         ${path} (${bytes.length} bytes)`,
      `model          backoff ${m.ngram.order}-gram, ${m.ngram.sentenceBoundaries ? 'sentence boundaries <s> … </s>' : 'no sentence boundaries'}`,
      `text           ${tokenizer} tokens, ${normalization} normalisation, vocabulary ${m.vocab.tokens.length} (including <unk>)`,
      `n-grams        ${m.ngram.counts.map((c, i) => `${i + 1}: ${c}`).join(', ')}`,
      `files          ${Object.entries(written.bytes).map(([f, b]) => `${f} (${b} bytes)`).join(', ')}`,
    ];
    io.stdout.write(`${lines.join('\n')}\n`);
  },
});

const SPECIAL = new Set([UNK, BOS, EOS]);

/** char when every ordinary token is one code point (a char model's vocabulary), word otherwise. */
function guessTokenizer(tokens: readonly string[]): TokenizerKind {
  return tokens.every((t) => SPECIAL.has(t) || [...t].length === 1) ? 'char' : 'word';
}
