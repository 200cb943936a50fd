import { SeqlmError } from '../errors/index.ts';
import type { MixtureManifest } from '../manifest/index.ts';
import { logSoftmax } from '../sampling/index.ts';
import { UNK_ID, Vocab } from '../vocab/index.ts';
import { LanguageModel } from './language-model.ts';
import type { Prediction, Predictor, Scores, SequenceLogProbs } from './predictor.ts';

/** A component model and its weight λ. */
export interface MixtureComponentModel {
  model: LanguageModel;
  weight: number;
}

/** Checks mixture weights: finite, >= 0, summing to 1 (to 1e-9). Throws `INVALID_ARGUMENT`. */
export function checkMixtureWeights(weights: readonly number[]): void {
  if (weights.length === 0) throw new SeqlmError('INVALID_ARGUMENT', 'a mixture needs at least one component');
  let sum = 0;
  for (const w of weights) {
    if (!(Number.isFinite(w) && w >= 0)) throw new SeqlmError('INVALID_ARGUMENT', `mixture weights must be finite and >= 0, got ${w}`);
    sum += w;
  }
  if (Math.abs(sum - 1) > 1e-9) throw new SeqlmError('INVALID_ARGUMENT', `mixture weights must sum to 1, got ${sum}`);
}

/**
 * The union of the components' vocabularies, in order of first appearance
 * (component 1's ids unchanged), and each component's map from its ids to the
 * union's. Throws `MODEL_INVALID` when the components read text differently.
 */
export function unionVocabulary(models: readonly LanguageModel[]): { vocab: Vocab; toUnion: Int32Array[] } {
  const first = models[0];
  if (first === undefined) throw new SeqlmError('INVALID_ARGUMENT', 'a mixture needs at least one component');
  for (const m of models) {
    if (m.text.tokenizer !== first.text.tokenizer || m.text.normalization !== first.text.normalization) {
      throw new SeqlmError(
        'MODEL_INVALID',
        `mixture components must read text the same way: "${first.id}" uses ${first.text.tokenizer} tokens with "${first.text.normalization}" normalisation, "${m.id}" ${m.text.tokenizer} with "${m.text.normalization}"`,
      );
    }
  }
  const tokens: string[] = [];
  const index = new Map<string, number>();
  const toUnion = models.map((m) => {
    const map = new Int32Array(m.vocab.size);
    for (let id = 0; id < m.vocab.size; id++) {
      const token = m.vocab.tokenOf(id);
      let u = index.get(token);
      if (u === undefined) {
        u = tokens.length;
        tokens.push(token);
        index.set(token, u);
      }
      map[id] = u;
    }
    return map;
  });
  if (tokens[UNK_ID] !== first.vocab.tokenOf(UNK_ID)) throw new SeqlmError('MODEL_INVALID', 'every component vocabulary must start with <unk>');
  const reserved = [...new Set(models.flatMap((m) => m.vocab.toJSON().reserved))];
  return { vocab: Vocab.fromJSON({ format: 'seqlm-vocab', version: 1, reserved, tokens }), toUnion };
}

type MixtureState = readonly unknown[];

/**
 * p(w | ctx) = Σ_i λ_i p_i(w | ctx) over the union vocabulary. A component
 * gives probability 0 to tokens it does not know; its `<unk>` mass goes to the
 * union's `<unk>`, so the mixture sums to 1. Fed a token it does not know, a
 * component reads `<unk>`. The mixture predicts where every component does.
 */
export class MixturePredictor implements Predictor<MixtureState> {
  readonly vocabSize: number;
  readonly normalized = true;
  readonly weights: readonly number[];
  readonly #components: readonly Predictor<unknown>[];
  readonly #toUnion: readonly Int32Array[];
  /** Union id → component id (`<unk>` where the component lacks the token). */
  readonly #fromUnion: readonly Int32Array[];

  constructor(components: readonly Predictor<unknown>[], weights: readonly number[], toUnion: readonly Int32Array[], unionSize: number) {
    checkMixtureWeights(weights);
    this.#components = components;
    this.weights = weights;
    this.#toUnion = toUnion;
    this.vocabSize = unionSize;
    this.#fromUnion = toUnion.map((map) => {
      const back = new Int32Array(unionSize).fill(UNK_ID);
      map.forEach((u, id) => (back[u] = id));
      return back;
    });
  }

  start(): Prediction<MixtureState> {
    const parts = this.#components.map((c) => c.start());
    return { state: parts.map((p) => p.state), scores: this.#combine(parts.map((p) => p.scores)) };
  }

  async advance(state: MixtureState, ids: Int32Array): Promise<Prediction<MixtureState>> {
    const parts = await Promise.all(this.#components.map((c, i) => c.advance(state[i], this.#mapIds(i, ids))));
    return { state: parts.map((p) => p.state), scores: this.#combine(parts.map((p) => p.scores)) };
  }

  async logProbsOf(ids: Int32Array): Promise<SequenceLogProbs> {
    const probs = await this.componentProbabilities(ids);
    const logProbs = new Float64Array(ids.length);
    for (let t = 0; t < ids.length; t++) {
      let p = 0;
      for (let i = 0; i < probs.length; i++) p += (this.weights[i] as number) * ((probs[i] as Float64Array)[t] as number);
      logProbs[t] = Math.log(p);
    }
    return { logProbs, trailing: [] };
  }

  /**
   * p_i(ids[t] | ids[<t]) for each component i and position t, as the mixture
   * counts them (0 for a token component i does not know); NaN where any
   * component makes no prediction. What EM fits the weights on.
   */
  async componentProbabilities(ids: Int32Array): Promise<Float64Array[]> {
    const scored = await Promise.all(this.#components.map((c, i) => c.logProbsOf(this.#mapIds(i, ids))));
    const out = scored.map((s, i) => {
      const from = this.#fromUnion[i] as Int32Array;
      const p = new Float64Array(ids.length);
      for (let t = 0; t < ids.length; t++) {
        const u = ids[t] as number;
        const known = u === UNK_ID || (from[u] as number) !== UNK_ID;
        p[t] = known ? Math.exp(s.logProbs[t] as number) : 0;
        if (Number.isNaN(s.logProbs[t] as number)) p[t] = Number.NaN;
      }
      return p;
    });
    for (let t = 0; t < ids.length; t++) {
      if (out.some((p) => Number.isNaN(p[t] as number))) for (const p of out) p[t] = Number.NaN;
    }
    return out;
  }

  #mapIds(i: number, ids: Int32Array): Int32Array {
    const from = this.#fromUnion[i] as Int32Array;
    const out = new Int32Array(ids.length);
    for (let t = 0; t < ids.length; t++) out[t] = from[ids[t] as number] as number;
    return out;
  }

  #combine(parts: readonly (Scores | null)[]): Float64Array | null {
    if (parts.some((s) => s === null)) return null;
    const p = new Float64Array(this.vocabSize);
    parts.forEach((scores, i) => {
      const c = this.#components[i] as Predictor<unknown>;
      const lp = c.normalized ? (scores as Scores) : logSoftmax(scores as Scores);
      const map = this.#toUnion[i] as Int32Array;
      const w = this.weights[i] as number;
      for (let v = 0; v < lp.length; v++) { const u = map[v] as number; p[u] = (p[u] as number) + w * Math.exp(lp[v] as number); }
    });
    for (let u = 0; u < p.length; u++) p[u] = Math.log(p[u] as number);
    return p;
  }
}

/** A linear interpolation of language models of any kinds (D2L 9.3's smoothing idea, across models). */
export class MixtureLm extends LanguageModel<MixtureState> {
  declare readonly manifest: MixtureManifest;
  declare readonly predictor: MixturePredictor;
  readonly components: readonly MixtureComponentModel[];

  constructor(id: string, manifest: MixtureManifest, components: readonly MixtureComponentModel[]) {
    const models = components.map((c) => c.model);
    const { vocab, toUnion } = unionVocabulary(models);
    if (JSON.stringify(vocab.toJSON().tokens) !== JSON.stringify(manifest.vocab.tokens)) {
      throw new SeqlmError('MODEL_INVALID', `the mixture's vocabulary is not the union of its components' (was a component changed?)`);
    }
    const stopIds = [...new Set(components.flatMap((c, i) => c.model.stopIds.map((id) => (toUnion[i] as Int32Array)[id] as number)))];
    const predictor = new MixturePredictor(
      models.map((m) => m.predictor),
      components.map((c) => c.weight),
      toUnion,
      vocab.size,
    );
    super({ id, manifest, vocab, stopIds, predictor });
    this.components = components;
  }
}
