import { isNeuralKind, type Catalog } from '../models/catalog.ts';
import type { LoadedModel } from '../models/load.ts';
import { seriesSpecOf } from '../models/forecast.ts';
import { trainingCurveSpec } from './chart-specs.ts';
import { renderChart } from './charts.ts';
import { el, formatBytes } from './dom.ts';

/** Fills the model `<select>`, neural and n-gram models in separate groups, in catalog order. */
export function fillPicker(select: HTMLSelectElement, catalog: Catalog): void {
  const groups = [
    { label: 'Neural (onnxruntime-web)', test: (k: string | null) => isNeuralKind(k as never) },
    { label: 'N-gram (@seqlm/core)', test: (k: string | null) => k === 'ngram' },
    // With the language models, not after the time series under "Other".
    { label: 'Mixture (n-gram + neural)', test: (k: string | null) => k === 'mixture' },
    { label: 'Time series (onnxruntime-web)', test: (k: string | null) => k === 'ts-mlp' },
    { label: 'Other', test: (k: string | null) => !isNeuralKind(k as never) && k !== 'ngram' && k !== 'mixture' && k !== 'ts-mlp' },
  ];
  select.replaceChildren();
  for (const group of groups) {
    const entries = catalog.models.filter((m) => group.test(m.kind));
    if (entries.length === 0) continue;
    const optgroup = el('optgroup', { label: group.label });
    for (const m of entries) {
      const label = m.name !== undefined && m.name !== m.id ? `${m.id} (${m.name})` : m.id;
      optgroup.append(el('option', { value: m.id }, `${label} — ${m.kind ?? 'unknown kind'}, ${formatBytes(m.bytes)}`));
    }
    select.append(optgroup);
  }
}

function parameterCount(loaded: LoadedModel): number | null {
  const m = loaded.manifest;
  if (m.kind === 'ngram' || m.kind === 'mixture') return null;
  if (m.kind === 'ts-mlp') {
    const sizes = [m.architecture.tau, ...m.architecture.hiddenSizes, 1];
    return sizes.slice(1).reduce((n, out, i) => n + (sizes[i]! + 1) * out, 0); // W and b per dense layer
  }
  const { vocabSize: V, hiddenSize: H, numLayers: L, embedding } = m.architecture;
  const gates = m.kind === 'rnn' ? 1 : m.kind === 'gru' ? 3 : 4;
  const input = embedding.type === 'dense' ? embedding.dim : V;
  let n = embedding.type === 'dense' ? V * embedding.dim : 0;
  for (let l = 0; l < L; l++) n += gates * H * ((l === 0 ? input : H) + H + 1);
  return n + H * V + V; // output layer W_hq, b_q
}

/** The manifest facts the picker shows: kind, size, corpus, final perplexities. */
export function manifestFacts(loaded: LoadedModel): [string, string][] {
  const m = loaded.manifest;
  const bytes = m.files.reduce((sum, f) => sum + f.bytes, 0);
  const facts: [string, string][] = [['Kind', m.kind]];
  if (m.kind === 'ts-mlp') {
    const a = m.architecture;
    facts.push(['Architecture', `MLP ${[a.tau, ...a.hiddenSizes, 1].join(' → ')} (${a.activation}): x_t from the ${a.tau} values before it`]);
    facts.push(['Parameters', (parameterCount(loaded) ?? 0).toLocaleString('en-US')]);
    facts.push(['Size', formatBytes(bytes)]);
    let series = 'not recorded';
    try {
      const s = seriesSpecOf(m);
      series = `sin(${s.frequency} t) + N(0, ${s.noiseSd}²), T = ${s.T}, seed ${s.seed}; trained on the first ${s.numTrain} windows`;
    } catch {
      // The time-series view reports the missing parameter.
    }
    facts.push(['Series', series]);
    const t = m.training;
    if (t?.finalTrainLoss !== undefined) facts.push(['Loss (MSE)', `train ${t.finalTrainLoss.toFixed(4)}, held-out ${t.finalValLoss?.toFixed(4) ?? '—'}`]);
    if (t?.epochs !== undefined) facts.push(['Epochs', String(t.epochs)]);
    facts.push(['Loaded in', `${loaded.loadMs.toFixed(0)} ms`]);
    return facts;
  }
  if (m.kind === 'mixture') {
    facts.push(['Components', m.mixture.components.map((c) => `${c.path.replace(/^\.\.\//, '')} (λ = ${c.weight.toFixed(3)})`).join(', ')]);
  } else if (m.kind === 'ngram') {
    facts.push(['Order', `${m.ngram.order} (${m.ngram.estimator}${m.ngram.sentenceBoundaries ? ', with <s>/</s>' : ''})`]);
    facts.push(['N-grams', m.ngram.counts.map((c, i) => `${c.toLocaleString('en-US')} of order ${i + 1}`).join(', ')]);
  } else {
    const a = m.architecture;
    const params = parameterCount(loaded);
    facts.push(['Architecture', `${a.numLayers} layer${a.numLayers === 1 ? '' : 's'} × ${a.hiddenSize} hidden, ${a.embedding.type} input`]);
    if (params !== null) facts.push(['Parameters', params.toLocaleString('en-US')]);
  }
  facts.push(['Size', formatBytes(bytes)]);
  facts.push(['Vocabulary', `${m.vocab.tokens.length} tokens (${m.text.tokenizer}, ${m.text.normalization} normalisation)`]);
  const t = m.training;
  facts.push(['Corpus', t?.corpus ?? 'not recorded']);
  if (t?.finalTrainPerplexity !== undefined || t?.finalValPerplexity !== undefined) {
    facts.push(['Perplexity', `train ${t.finalTrainPerplexity?.toFixed(2) ?? '—'}, validation ${t.finalValPerplexity?.toFixed(2) ?? '—'}`]);
  }
  if (t?.epochs !== undefined) facts.push(['Epochs', String(t.epochs)]);
  facts.push(['Loaded in', `${loaded.loadMs.toFixed(0)} ms`]);
  return facts;
}

/** Shows the manifest and, when it records them, the training curves. */
export async function showManifest(info: HTMLElement, chart: HTMLElement, loaded: LoadedModel): Promise<void> {
  const rows = manifestFacts(loaded).flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]);
  if (loaded.manifest.description) rows.unshift(el('dt', {}, 'About'), el('dd', {}, loaded.manifest.description));
  info.replaceChildren(...rows);
  const spec = trainingCurveSpec(loaded.manifest.training);
  chart.replaceChildren();
  if (spec === null) {
    chart.append(el('p', { class: 'note' }, 'This manifest records no per-epoch perplexities or losses, so there are no training curves to draw.'));
    return;
  }
  await renderChart(chart, spec, `Training curves: ${spec.data.values.length} points of ${String(spec.description).toLowerCase()}`);
}
