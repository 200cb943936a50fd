import { randomInt } from 'node:crypto';
import { generateNgram } from '@seqlm/core/ngram';
import { getTokenizer, normalizePrefix } from '@seqlm/core/text';
import { UNK_ID } from '@seqlm/core/vocab';
import { defineCommand } from '../command.ts';
import { atMost, existingDir, positiveInt, usageError } from '../flags.ts';
import { LIMITS } from '../limits.ts';
import { nonNegativeNumber, seed as seedFlag } from './ngram-flags.ts';
import { loadNgramModelDir } from './ngram-model.ts';

export const ngramSample = defineCommand({
  name: 'ngram sample',
  summary: 'Generate text from an n-gram model, continuing a prefix',
  description:
    "Normalises the prefix as the model's text was, then draws --len tokens one at a time from p(x_t | x_{t-N+1} .. x_{t-1}) reshaped by the " +
    'temperature T (p_T ∝ p^(1/T); T = 0 is greedy). <unk> is never drawn. The same model, prefix, seed and temperature give the same text on every run; ' +
    'without --seed a random one is used and reported on stderr.',
  options: {
    model: { type: 'string', short: 'm', valueName: 'dir', description: 'Model directory written by "seqlm ngram build" (required)' },
    prefix: { type: 'string', short: 'p', valueName: 'text', description: 'Text to continue (default: none)' },
    len: { type: 'string', short: 'n', valueName: 'tokens', description: `How many tokens to generate, at most ${LIMITS.sampleTokens}`, default: '100' },
    temperature: { type: 'string', short: 't', valueName: 'T', description: 'Sampling temperature ≥ 0; 1 samples the model as is, 0 takes the most likely token', default: '1' },
    seed: { type: 'string', short: 's', valueName: 'n', description: 'Seed of the sampler, an integer in 0..2^32-1 (default: random, printed on stderr)' },
    json: { type: 'boolean', description: 'Print the prefix, continuation and settings as JSON instead of the text' },
  },
  examples: ['seqlm ngram sample --model models/tm-char-5 --prefix "the time" --len 100 --seed 1', 'seqlm ngram sample -m models/tm-char-5 -p "the time" -t 0.5 -s 7 --json'],
  async run({ values, io }) {
    if (values.model === undefined) throw usageError('give --model <dir>, a directory written by "seqlm ngram build"');
    const dir = existingDir('model', values.model, io.cwd);
    const len = atMost('len', positiveInt('len', values.len, 100), LIMITS.sampleTokens);
    const temperature = nonNegativeNumber('temperature', values.temperature, 1);
    const given = seedFlag('seed', values.seed);
    const { lm, model } = await loadNgramModelDir(dir, 'ngram sample');
    const { manifest } = lm;
    const seed = given ?? randomInt(2 ** 32 - 1);
    if (given === undefined && values.json !== true) io.stderr.write(`seqlm: seed ${seed} (pass --seed ${seed} to repeat this sample)\n`);

    const tokenizer = getTokenizer(manifest.text.tokenizer);
    const prefix = normalizePrefix(values.prefix ?? '', manifest.text.normalization);
    const prefixTokens = tokenizer.tokenize(prefix);
    const prefixIds = model.vocab.encode(prefixTokens);
    const oov = prefixIds.reduce((n, id) => (id === UNK_ID ? n + 1 : n), 0);
    const { ids, stop } = generateNgram(model, { prefix: prefixIds, maxTokens: len, seed, temperature, exclude: [UNK_ID] });
    const generated = model.vocab.decode(ids);
    const text = tokenizer.detokenize([...prefixTokens, ...generated]);
    if (values.json) {
      const result = { prefix, prefixOov: oov, continuation: tokenizer.detokenize(generated), text, tokens: ids.length, stop, seed, temperature };
      io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return;
    }
    if (oov > 0) io.stderr.write(`seqlm: warning: ${oov} prefix token(s) are not in the model's vocabulary and are read as <unk>\n`);
    io.stdout.write(`${text}\n`);
  },
});

