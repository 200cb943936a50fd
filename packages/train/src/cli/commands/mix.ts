import { mkdir } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { splitByPosition } from '@seqlm/core/data';
import { SeqlmError } from '@seqlm/core/errors';
import { fitMixtureWeights, MixturePredictor, unionVocabulary, type LanguageModel } from '@seqlm/core/lm';
import { MANIFEST_SCHEMA_VERSION, serializeManifest, sha256Hex, type MixtureManifest } from '@seqlm/core/manifest';
import { getTokenizer, normalize } from '@seqlm/core/text';
import { writeFileAtomic } from '../../lm/atomic-write.ts';
import { LM_RUNTIMES, loadModelDir, readModelFile } from '../../runtime/index.ts';
import { CORPUS_OPTIONS, corpusChoice, loadCorpusChoice } from '../corpus-flags.ts';
import { defineCommand } from '../command.ts';
import { choice, existingDir, positiveInt, usageError } from '../flags.ts';

// The split every seqlm model reports its validation perplexity on (D2L's 90/10).
const TRAIN_FRACTION = 0.9;

const fmt = (x: number): string => (Number.isFinite(x) ? x.toFixed(4) : String(x));

export const mix = defineCommand({
  name: 'mix',
  summary: 'Interpolate language models (any kinds) with weights fitted by EM on held-out text',
  description:
    'Loads two or more model directories that read text the same way (tokenizer and normalisation), takes the last 10% of the corpus as held-out text, ' +
    'and fits the weights λ of p(w | ctx) = Σ_i λ_i p_i(w | ctx) by expectation-maximisation, printing the held-out perplexity after each iteration. ' +
    'Writes a model directory of kind "mixture" whose manifest records the weights, the union vocabulary and each component by relative path and manifest sha256 ' +
    '(a changed component is refused when the mixture is loaded). The weights are fitted and reported on the same held-out text.',
  options: {
    model: { type: 'string', short: 'm', valueName: 'dir', multiple: true, description: 'A component model directory; give two or more' },
    out: { type: 'string', short: 'o', valueName: 'dir', description: 'Directory to write the mixture to (required; beside its components is usual)' },
    ...CORPUS_OPTIONS,
    iterations: { type: 'string', valueName: 'n', description: 'Most EM iterations', default: '50' },
    runtime: { type: 'string', valueName: 'name', description: `What runs neural components while fitting: ${LM_RUNTIMES.join(', ')}`, default: 'auto' },
    name: { type: 'string', valueName: 'text', description: 'Name recorded in the manifest (default: the directory name)' },
  },
  examples: ['seqlm mix --model models/tm-gru --model models/tm-5gram --corpus timemachine --out models/tm-mix'],
  async run({ values, io }) {
    const dirs = (values.model ?? []).map((m) => existingDir('model', m, io.cwd));
    if (dirs.length < 2) throw usageError('give at least two --model <dir> to mix');
    if (new Set(dirs).size !== dirs.length) throw usageError('each --model must be a different directory');
    if (values.out === undefined) throw usageError('--out <dir> is required');
    const out = resolve(io.cwd, values.out);
    if (dirs.includes(out)) throw usageError('--out must not be one of the components');
    const iterations = positiveInt('iterations', values.iterations, 50);
    const runtime = choice('runtime', values.runtime, LM_RUNTIMES, 'auto');
    const source = corpusChoice(values, io);

    const models: LanguageModel[] = [];
    for (const dir of dirs) models.push(await loadModelDir(dir, { runtime }));
    const { vocab, toUnion } = unionVocabulary(models);
    const first = models[0] as LanguageModel;
    const corpus = await loadCorpusChoice(source, io);
    const tokens = getTokenizer(first.text.tokenizer).tokenize(normalize(corpus.text, first.text.normalization));
    const held = vocab.encode(splitByPosition(tokens, TRAIN_FRACTION).val);
    io.stderr.write(`seqlm: held-out text: the last ${Math.round((1 - TRAIN_FRACTION) * 100)}% of ${corpus.name}, ${held.length} tokens\n`);

    const uniform = models.map(() => 1 / models.length);
    const predictor = new MixturePredictor(models.map((m) => m.predictor), uniform, toUnion, vocab.size);
    const probabilities = await predictor.componentProbabilities(held);
    const fit = fitMixtureWeights(probabilities, {
      maxIterations: iterations,
      onIteration: (i, w, ppl) => io.stderr.write(`seqlm: EM ${String(i).padStart(3)}  held-out perplexity ${fmt(ppl)}  weights ${w.map((x) => x.toFixed(4)).join(' ')}\n`),
    });

    const manifestBytes = await Promise.all(dirs.map((d) => readModelFile(join(d, 'manifest.json'))));
    const manifest: MixtureManifest = {
      format: 'seqlm-manifest',
      schemaVersion: MANIFEST_SCHEMA_VERSION,
      kind: 'mixture',
      name: values.name ?? out.split(sep).at(-1) ?? 'mixture',
      description: `Linear interpolation of ${models.map((m) => m.id).join(' and ')}, weights fitted by EM on held-out text`,
      files: [],
      text: first.text,
      vocab: vocab.toJSON(),
      mixture: {
        components: dirs.map((d, i) => ({
          path: relative(out, d).split(sep).join('/') || '.',
          manifestSha256: sha256Hex(manifestBytes[i] as Uint8Array),
          weight: fit.weights[i] as number,
        })),
      },
      training: {
        corpus: corpus.name,
        valFraction: 1 - TRAIN_FRACTION,
        finalValPerplexity: Math.max(1, fit.perplexities.at(-1) as number),
        createdAt: new Date().toISOString(),
      },
    };
    normalizeWeights(manifest);
    const text = serializeManifest(manifest);
    await mkdir(out, { recursive: true });
    await writeFileAtomic(join(out, 'manifest.json'), text);

    // Each component alone, on the positions the mixture scores.
    const lines = models.map((m, i) => {
      const p = probabilities[i] as Float64Array;
      let sum = 0;
      let n = 0;
      for (let t = 0; t < p.length; t++) {
        if (Number.isNaN(p[t] as number)) continue;
        sum += Math.log(p[t] as number);
        n++;
      }
      return `  ${m.id.padEnd(20)} λ = ${(fit.weights[i] as number).toFixed(4)}  val perplexity ${fmt(Math.exp(-sum / n))}`;
    });
    io.stdout.write(
      [`mixture        ${out}`, `held-out       ${fit.tokens} tokens of ${corpus.name}`, ...lines, `  ${'mixture'.padEnd(20)}               val perplexity ${fmt(fit.perplexities.at(-1) as number)}`].join('\n') + '\n',
    );
  },
});

/** Rounding can leave Σλ a few ulps from 1; the manifest requires 1 to 1e-9, so the last weight takes the remainder. */
function normalizeWeights(manifest: MixtureManifest): void {
  const comps = manifest.mixture.components;
  const rest = comps.slice(0, -1).reduce((s, c) => s + c.weight, 0);
  const last = comps.at(-1);
  if (last === undefined) throw new SeqlmError('INVALID_ARGUMENT', 'a mixture needs components');
  last.weight = Math.max(0, 1 - rest);
}
