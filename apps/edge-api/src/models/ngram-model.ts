import { Vocab, type NgramManifest } from '@seqlm/core';
import { loadNgram, scoreIds, type NgramModel as CoreNgramModel } from '@seqlm/core/ngram';
import { encodePrefix, encodeText, type Decoder, type EncodedText, type LanguageModel, type Scores, type TokenScores } from './language-model.ts';

/** ln p for each token id; -Infinity where the model gives probability 0 (e.g. `<s>`). */
function logOf(p: Float64Array): Float64Array {
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) out[i] = Math.log(p[i] as number);
  return out;
}

/**
 * An n-gram model from @seqlm/core, decoded once per isolate. Every query is
 * trie lookups over the last N−1 ids (D2L 9.3's Markov assumption); nothing is
 * rebuilt per request. With sentence boundaries, `<s>` starts every context
 * and `</s>` ends generation.
 */
export class NgramModel implements LanguageModel {
  readonly id: string;
  readonly manifest: NgramManifest;
  readonly vocab: Vocab;
  readonly stopIds: readonly number[];
  readonly #model: CoreNgramModel;
  readonly #bos: number[];

  private constructor(id: string, manifest: NgramManifest, model: CoreNgramModel) {
    this.id = id;
    this.manifest = manifest;
    this.#model = model;
    this.vocab = model.vocab;
    const boundaries = model.boundaries && model.bos >= 0 && model.eos >= 0;
    this.#bos = boundaries ? [model.bos] : [];
    this.stopIds = boundaries ? [model.eos] : [];
  }

  /** Decodes `bytes` after checking them against the manifest (core's `loadNgram`). */
  static load(id: string, manifest: NgramManifest, bytes: ArrayBuffer | Uint8Array): NgramModel {
    const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    return new NgramModel(id, manifest, loadNgram(manifest, data));
  }

  encode(text: string): EncodedText {
    return encodeText(text, this.manifest.text, this.vocab);
  }

  encodePrefix(text: string): EncodedText {
    return encodePrefix(text, this.manifest.text, this.vocab);
  }

  async next(ids: Int32Array): Promise<Float64Array> {
    return logOf(this.#model.distribution(this.#context(ids)));
  }

  /** Every token is scored, plus `</s>` when the model uses sentence boundaries (core's `scoreIds`). */
  async score(ids: Int32Array): Promise<TokenScores> {
    const result = scoreIds(this.#model, ids);
    const tokens = this.vocab.decode(ids);
    if (ids.length > 0 && this.stopIds.length > 0) tokens.push(this.vocab.tokenOf(this.stopIds[0] as number));
    return { tokens, logProbs: result.logProbs };
  }

  async decoder(ids: Int32Array): Promise<Decoder> {
    const context = this.#context(ids);
    const model = this.#model;
    const decoder = {
      scores: logOf(model.distribution(context)) as Scores,
      push: async (id: number): Promise<void> => {
        context.push(id);
        decoder.scores = logOf(model.distribution(context));
      },
    };
    return decoder;
  }

  #context(ids: Int32Array): number[] {
    // Only the last N−1 ids matter; keeping the whole prompt costs nothing the trie sees.
    return [...this.#bos, ...ids];
  }
}
