import { resolve } from 'node:path';
import { SeqlmError } from '@seqlm/core/errors';
import { RnnModel } from '@seqlm/core/rnn';
import { generate as generateIds } from '@seqlm/core/sampling';
import { getTokenizer, normalizePrefix } from '@seqlm/core/text';
import { UNK_ID, Vocab } from '@seqlm/core/vocab';
import { neuralWeights, readModelDir } from '../../lm/artifact.ts';
import { defineCommand } from '../command.ts';
import { atMost, existingDir, positiveInt, usageError } from '../flags.ts';
import { LIMITS } from '../limits.ts';
import { nonNegativeInt, numberIn } from './train.ts';

export const generate = defineCommand({
  name: 'generate',
  summary: 'Continue a prefix with a trained RNN/GRU/LSTM language model',
  description:
    "Loads a model directory written by `seqlm train` (manifest and weights are verified first), normalises and tokenizes the prefix the way the training text was, " +
    "warms the state up on it and samples --len more tokens one at a time (D2L 9.5.4), running core's RNN step by step. " +
    'A prefix ending in a space or punctuation is continued after one space, as the edge API and playground do. ' +
    'Temperature 0 (or --top-k 1) is greedy decoding as in D2L; otherwise tokens are drawn from softmax(logits / temperature), restricted to the top k and/or the top-p nucleus. ' +
    '<unk> is never drawn.',
  options: {
    model: { type: 'string', short: 'm', valueName: 'dir', description: 'Model directory holding manifest.json (required)' },
    prefix: { type: 'string', short: 'p', valueName: 'text', description: 'Text to continue', default: 'time traveller' },
    len: { type: 'string', short: 'n', valueName: 'n', description: `Tokens to generate, at most ${LIMITS.sampleTokens}`, default: '100' },
    temperature: { type: 'string', short: 't', valueName: 't', description: 'Sampling temperature >= 0; 0 is greedy', default: '1' },
    'top-k': { type: 'string', valueName: 'k', description: 'Sample only among the k most likely tokens (default: all)' },
    'top-p': { type: 'string', valueName: 'p', description: 'Sample only from the smallest set of tokens with probability >= p, in (0, 1] (default: 1)' },
    seed: { type: 'string', valueName: 'n', description: 'Seed of the draws: the same seed, model and prefix give the same text', default: '0' },
  },
  examples: [
    'seqlm generate --model models/tm-gru --prefix "time traveller" --len 100',
    'seqlm generate --model models/tm-gru --prefix "the time machine" --temperature 0.7 --top-k 5 --seed 1',
    'seqlm generate --model models/tm-gru --temperature 0',
  ],
  async run({ values, io }) {
    if (values.model === undefined) throw usageError('--model <dir> is required');
    const dir = existingDir('model', values.model, io.cwd);
    const maxTokens = atMost('len', nonNegativeInt('len', values.len, 100), LIMITS.sampleTokens);
    const temperature = numberIn('temperature', values.temperature, 0, Number.MAX_VALUE, 1, true);
    const topK = positiveInt('top-k', values['top-k']);
    const topP = values['top-p'] === undefined ? undefined : numberIn('top-p', values['top-p'], 0, 1, 1, true);
    if (topP === 0) throw usageError('--top-p must be greater than 0');
    const seed = nonNegativeInt('seed', values.seed, 0);

    const { manifest, config, weights } = neuralWeights(await readModelDir(resolve(dir)));
    const vocab = Vocab.fromJSON(manifest.vocab);
    const tokenizer = getTokenizer(manifest.text.tokenizer);
    const prefix = normalizePrefix(values.prefix ?? 'time traveller', manifest.text.normalization);
    const tokens = tokenizer.tokenize(prefix);
    if (tokens.length === 0) throw usageError(`--prefix ${JSON.stringify(values.prefix)} has no tokens after ${manifest.text.normalization} normalisation`);
    const unknown = tokens.filter((t) => !vocab.has(t));
    if (unknown.length > 0) {
      throw new SeqlmError('VOCAB_OOV', `--prefix has tokens outside the model's vocabulary: ${[...new Set(unknown)].map((t) => JSON.stringify(t)).join(', ')}`);
    }
    const model = RnnModel.fromParameters(config, Object.fromEntries(weights));
    const { ids } = generateIds(model, vocab.encode(tokens), {
      maxTokens,
      seed,
      temperature,
      excludeIds: [UNK_ID],
      ...(topK !== undefined ? { topK } : {}),
      ...(topP !== undefined ? { topP } : {}),
    });
    const text = tokenizer.detokenize([...tokens, ...vocab.decode(ids)]);
    io.stdout.write(`${text}\n`);
  },
});
