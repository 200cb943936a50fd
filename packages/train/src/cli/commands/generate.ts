import { SeqlmError } from '@seqlm/core/errors';
import { UNK_ID } from '@seqlm/core/vocab';
import { LM_RUNTIMES, loadModelDir } from '../../runtime/index.ts';
import { defineCommand } from '../command.ts';
import { atMost, choice, existingDir, positiveInt, usageError } from '../flags.ts';
import { LIMITS } from '../limits.ts';
import { nonNegativeInt, numberIn } from './train.ts';

export const generate = defineCommand({
  name: 'generate',
  summary: 'Continue a prefix with any language model directory (RNN/GRU/LSTM, n-gram or mixture)',
  description:
    'Loads a model directory (its manifest and every file are verified first), normalises and tokenizes the prefix the way the training text was, ' +
    'runs the model over it once and samples --len more tokens one at a time (D2L 9.5.4), printing each as it is drawn. ' +
    'A prefix ending in a space or punctuation is continued after one space, as the edge API and playground do. ' +
    'Temperature 0 (or --top-k 1) is greedy decoding as in D2L; otherwise tokens are drawn from softmax(logits / temperature), restricted to the top k and/or the top-p nucleus. ' +
    '<unk> is never drawn. Neural models run on core by default (the same numbers as training), or on onnxruntime with --runtime.',
  options: {
    model: { type: 'string', short: 'm', valueName: 'dir', description: 'Model directory holding manifest.json (required)' },
    prefix: { type: 'string', short: 'p', valueName: 'text', description: 'Text to continue', default: 'time traveller' },
    len: { type: 'string', short: 'n', valueName: 'n', description: `Tokens to generate, at most ${LIMITS.sampleTokens}`, default: '100' },
    temperature: { type: 'string', short: 't', valueName: 't', description: 'Sampling temperature >= 0; 0 is greedy', default: '1' },
    'top-k': { type: 'string', valueName: 'k', description: 'Sample only among the k most likely tokens (default: all)' },
    'top-p': { type: 'string', valueName: 'p', description: 'Sample only from the smallest set of tokens with probability >= p, in (0, 1] (default: 1)' },
    seed: { type: 'string', valueName: 'n', description: 'Seed of the draws: the same seed, model and prefix give the same text', default: '0' },
    stop: { type: 'string', valueName: 'text', multiple: true, description: 'End generation at this text (not printed); may be given several times' },
    runtime: { type: 'string', valueName: 'name', description: `What runs a neural model: ${LM_RUNTIMES.join(', ')} (auto: onnxruntime-node if installed, else -web)`, default: 'core' },
  },
  examples: [
    'seqlm generate --model models/tm-gru --prefix "time traveller" --len 100',
    'seqlm generate --model models/tm-gru --prefix "the time machine" --temperature 0.7 --top-k 5 --seed 1',
    'seqlm generate --model models/tm-mix --temperature 0 --stop "."',
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
    const runtime = choice('runtime', values.runtime, LM_RUNTIMES, 'core');
    const stop = values.stop ?? [];
    if (stop.some((s) => s.length === 0)) throw usageError('--stop needs non-empty text');

    const model = await loadModelDir(dir, { runtime });
    const raw = values.prefix ?? 'time traveller';
    const input = model.encodePrefix(raw);
    if (input.ids.length === 0 && model.kind !== 'ngram') {
      throw usageError(`--prefix ${JSON.stringify(raw)} has no tokens after ${model.text.normalization} normalisation`);
    }
    if (input.oov > 0) {
      const unknown = [...new Set(input.tokens.filter((t) => !model.vocab.has(t)))];
      throw new SeqlmError('VOCAB_OOV', `--prefix has tokens outside the model's vocabulary: ${unknown.map((t) => JSON.stringify(t)).join(', ')}`);
    }
    io.stdout.write(model.detokenize(input.tokens));
    const separator = model.tokenizer === 'word' && input.tokens.length > 0 ? ' ' : '';
    const tokens = model.generate(input.ids, {
      maxTokens,
      seed,
      temperature,
      stop,
      excludeIds: [UNK_ID],
      ...(topK !== undefined ? { topK } : {}),
      ...(topP !== undefined ? { topP } : {}),
    });
    let first = true;
    for await (const t of tokens) {
      io.stdout.write(`${first ? separator : model.tokenizer === 'word' ? ' ' : ''}${t.token}`);
      first = false;
    }
    io.stdout.write('\n');
  },
});
