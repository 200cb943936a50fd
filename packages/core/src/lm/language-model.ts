import { SeqlmError } from '../errors/index.ts';
import type { LanguageManifest } from '../manifest/index.ts';
import { getTokenizer, type TokenizerKind } from '../text/index.ts';
import { encodePrefix, encodeText, type EncodedText, type TextPipeline, type Vocab } from '../vocab/index.ts';
import { LmCursor, checkIds } from './cursor.ts';
import { checkGenerateOptions, sampleFrom, type FinishReason, type GeneratedToken, type LmGenerateOptions } from './generate.ts';
import type { HiddenStates, Predictor } from './predictor.ts';
import { textScore, type TextScore } from './score.ts';

export type LanguageModelKind = LanguageManifest['kind'];

/** What a language model is built from; each implementation supplies its predictor. */
export interface LanguageModelInit<S> {
  id: string;
  manifest: LanguageManifest;
  vocab: Vocab;
  /** Ids after which generation ends (not emitted), e.g. `</s>`. */
  stopIds?: readonly number[];
  predictor: Predictor<S>;
}

/**
 * A language model, whatever computes it (counting, core's RNN, an ONNX graph,
 * a mixture): its text pipeline, a stateful cursor over next-token
 * distributions, scoring and sampling. Every front end (the CLI, the edge API,
 * the playground) uses this and nothing model-specific.
 */
export class LanguageModel<S = unknown> {
  readonly id: string;
  readonly kind: LanguageModelKind;
  readonly manifest: LanguageManifest;
  readonly vocab: Vocab;
  readonly text: TextPipeline;
  readonly stopIds: readonly number[];
  /** The model-specific part; exposed for composition (mixtures) and tests. */
  readonly predictor: Predictor<S>;

  constructor(init: LanguageModelInit<S>) {
    this.id = init.id;
    this.kind = init.manifest.kind;
    this.manifest = init.manifest;
    this.vocab = init.vocab;
    this.text = init.manifest.text;
    this.stopIds = init.stopIds ?? [];
    this.predictor = init.predictor;
    if (init.predictor.vocabSize !== init.vocab.size) {
      throw new SeqlmError('MODEL_INVALID', `the model scores ${init.predictor.vocabSize} tokens but its vocabulary has ${init.vocab.size}`);
    }
  }

  get tokenizer(): TokenizerKind {
    return this.text.tokenizer;
  }

  /** A whole text (to score): normalised, tokenized, unknown tokens as `<unk>` and counted. */
  encode(text: string): EncodedText {
    return encodeText(text, this.text, this.vocab);
  }

  /** A prefix whose next token is wanted (a prompt, text being typed): `d2l` keeps one trailing space. */
  encodePrefix(text: string): EncodedText {
    return encodePrefix(text, this.text, this.vocab);
  }

  /** Joins tokens as the tokenizer splits them (characters as they are, words with spaces). */
  detokenize(tokens: readonly string[]): string {
    return getTokenizer(this.text.tokenizer).detokenize(tokens);
  }

  /** A cursor before any token; feed it and read the next-token scores. */
  cursor(): LmCursor<S> {
    return new LmCursor(this.predictor);
  }

  /** A cursor after `prefix` (a string is read with `encodePrefix`), in one model run. */
  async cursorAfter(prefix: string | ArrayLike<number>): Promise<LmCursor<S>> {
    const ids = typeof prefix === 'string' ? this.encodePrefix(prefix).ids : prefix;
    return this.cursor().feed(ids);
  }

  /**
   * ln p(next token = v | prefix) for every id v. Throws `INVALID_ARGUMENT`
   * when the model cannot predict from an empty prefix (a neural model).
   */
  async nextLogProbs(prefix: string | ArrayLike<number>): Promise<Float64Array> {
    const logProbs = (await this.cursorAfter(prefix)).logProbs();
    if (logProbs === null) throw new SeqlmError('INVALID_ARGUMENT', `a ${this.kind} model needs at least one token of input to predict the next one`);
    return logProbs;
  }

  /** Scores a whole text (a string is read with `encode`): per-token log-probabilities, OOV, cross-entropy, perplexity. */
  async score(text: string | EncodedText): Promise<TextScore> {
    const input = typeof text === 'string' ? this.encode(text) : text;
    return textScore(input, this.vocab, await this.predictor.logProbsOf(input.ids));
  }

  /**
   * The last layer's hidden state h_t after each token of `text` (a string is
   * read with `encode`), from the start state: what a unit of the network
   * does over a text. Throws `UNSUPPORTED` for models without a hidden state
   * (n-gram, mixture) and for graphs exported before they returned it.
   */
  async hiddenStates(text: string | ArrayLike<number>): Promise<HiddenStates> {
    const ids = checkIds(typeof text === 'string' ? this.encode(text).ids : text, this.vocab.size);
    if (this.predictor.hiddenStates === undefined) throw new SeqlmError('UNSUPPORTED', `${this.kind === 'ngram' ? 'an n-gram' : `a ${this.kind}`} model has no hidden state to show`);
    if (ids.length === 0) throw new SeqlmError('INVALID_ARGUMENT', 'the text has no tokens to run the model over');
    return this.predictor.hiddenStates(ids);
  }

  /**
   * Samples up to `maxTokens` tokens after `prompt` (a string is read with
   * `encodePrefix`), yielding each as it is drawn; the return value says why it
   * ended. Options are checked at the call, before anything runs.
   */
  generate(prompt: string | ArrayLike<number>, options: LmGenerateOptions): AsyncGenerator<GeneratedToken, FinishReason> {
    checkGenerateOptions(options);
    // The prompt is read on the first next(), not at this call, as a generator function would.
    return sampleFrom(() => this.cursorAfter(prompt), this.vocab, this.stopIds, (t) => this.detokenize(t), options);
  }
}
