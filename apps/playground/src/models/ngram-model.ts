import { Vocab } from '@seqlm/core/vocab';
import type { NgramManifest } from '@seqlm/core/manifest';
import { loadNgram, type NgramModel as CoreNgramModel } from '@seqlm/core/ngram';
import { detokenize, encodePrefix, encodeText, type Decoder, type EncodedText, type LanguageModel, type TokenScores } from './language-model.ts';
import type { IncrementalModel } from './prefix-cursor.ts';

/** ln p for each token id; -Infinity where the model gives probability 0 (e.g. `<s>`). */
function logOf(p: Float64Array): Float64Array {
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) out[i] = Math.log(p[i] as number);
  return out;
}

/**
 * An n-gram model from @seqlm/core. Its "state" is the last N−1 ids (D2L 9.3's
 * Markov assumption), so a step is a few trie lookups. With sentence
 * boundaries every context starts with `<s>` and `</s>` ends generation.
 */
export class NgramModel implements LanguageModel<number[]> {
  readonly id: string;
  readonly manifest: NgramManifest;
  readonly vocab: Vocab;
  readonly stopIds: readonly number[];
  readonly incremental: IncrementalModel<number[]>;
  readonly core: CoreNgramModel;
  readonly #bos: number[];

  private constructor(id: string, manifest: NgramManifest, model: CoreNgramModel) {
    this.id = id;
    this.manifest = manifest;
    this.core = model;
    this.vocab = model.vocab;
    const boundaries = model.boundaries && model.bos >= 0 && model.eos >= 0;
    this.#bos = boundaries ? [model.bos] : [];
    this.stopIds = boundaries ? [model.eos] : [];
    const keep = Math.max(0, model.order - 1);
    this.incremental = {
      initial: () => ({ state: [...this.#bos], scores: logOf(model.distribution(this.#bos)) }),
      feed: async (state, ids) => {
        // Only the last N−1 ids condition the next token, so the state never grows past them.
        const context = keep === 0 ? [] : [...state, ...ids].slice(-keep);
        return { state: context, scores: logOf(model.distribution(context)) };
      },
    };
  }

  /** Decodes `bytes` after checking them against the manifest (core's `loadNgram` checks size, sha256 and contents). */
  static load(id: string, manifest: NgramManifest, bytes: Uint8Array): NgramModel {
    return new NgramModel(id, manifest, loadNgram(manifest, bytes));
  }

  encode(text: string): EncodedText {
    return encodeText(text, this.manifest.text, this.vocab);
  }

  encodePrefix(text: string): EncodedText {
    return encodePrefix(text, this.manifest.text, this.vocab);
  }

  detokenize(tokens: readonly string[]): string {
    return detokenize(this.manifest.text, tokens);
  }

  /** Every token is scored from its N−1 predecessors (`<s>` first), then `</s>` when the model uses boundaries. */
  async score(ids: Int32Array): Promise<TokenScores> {
    if (ids.length === 0) return { logProbs: [], trailing: [] };
    const seq = [...this.#bos, ...ids, ...this.stopIds];
    const first = this.#bos.length;
    const logProbs: number[] = [];
    for (let i = first; i < first + ids.length; i++) logProbs.push(this.core.logProbAt(seq, i));
    const trailing = this.stopIds.map((id) => ({ token: this.vocab.tokenOf(id), logProb: this.core.logProbAt(seq, first + ids.length) }));
    return { logProbs, trailing };
  }

  async decoder(ids: Int32Array): Promise<Decoder> {
    const context = [...this.#bos, ...ids];
    const model = this.core;
    const decoder = {
      scores: logOf(model.distribution(context)),
      push: async (id: number): Promise<void> => {
        context.push(id);
        decoder.scores = logOf(model.distribution(context));
      },
    };
    return decoder;
  }
}
