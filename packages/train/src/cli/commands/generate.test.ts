import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeWeights, parseManifest } from '@seqlm/core/manifest';
import { RnnModel } from '@seqlm/core/rnn';
import { generate as generateIds, softmax } from '@seqlm/core/sampling';
import { UNK_ID, Vocab } from '@seqlm/core/vocab';
import { repoRoot, runCli } from '../../lm/lm.test-util.ts';

// The committed tiny GRU: 12 tokens (<unk>, space and ten letters), to which it gives <unk> real mass.
const dir = join(repoRoot, 'fixtures', 'models', 'gru-tiny');

function fixture(): { model: RnnModel; vocab: Vocab } {
  const manifest = parseManifest(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  if (manifest.kind !== 'gru') throw new Error('expected the GRU fixture');
  const { vocabSize, hiddenSize, numLayers } = manifest.architecture;
  const config = { cell: 'gru' as const, vocabSize, hiddenSize, numLayers, linearBeforeReset: manifest.gates.linearBeforeReset };
  return { model: RnnModel.fromParameters(config, decodeWeights(new Uint8Array(readFileSync(join(dir, 'weights.bin'))))), vocab: Vocab.fromJSON(manifest.vocab) };
}

describe('seqlm generate', () => {
  it('continues a prefix after its trailing space, never draws <unk>, and draws what core draws', async () => {
    const len = 150;
    const r = await runCli(['generate', '--model', dir, '--prefix', 'The hat, ', '--len', String(len), '--seed', '4']);
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout.replace(/\n$/, '');
    expect(out.startsWith('the hat ')).toBe(true);
    expect(out).not.toContain('<unk>');
    expect(Array.from(out)).toHaveLength('the hat '.length + len);

    const { model, vocab } = fixture();
    const prefix = vocab.encode(Array.from('the hat '));
    const { ids } = generateIds(model, prefix, { maxTokens: len, seed: 4, temperature: 1, excludeIds: [UNK_ID] });
    expect(out).toBe(`the hat ${vocab.decode(ids).join('')}`);
    // Without the exclusion, Σ_t p(<unk> | x_<t) along this text is the expected number of <unk> draws.
    const all = Int32Array.from([...prefix, ...ids]);
    const { logits } = model.forward(all, 1, all.length); // [T, 1, V]
    const V = vocab.size;
    let expectedUnk = 0;
    for (let t = prefix.length - 1; t < all.length - 1; t++) expectedUnk += softmax(logits.subarray(t * V, (t + 1) * V))[UNK_ID]!;
    expect(expectedUnk).toBeGreaterThan(3);
  });

  it('refuses --len beyond the bound its help states', async () => {
    const r = await runCli(['generate', '--model', dir, '--len', '100000000']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('seqlm: error: --len must be at most 100000 (got 100000000)\n');
    expect((await runCli(['generate', '--help'])).stdout.replace(/\s+/g, ' ')).toContain('Tokens to generate, at most 100000');
  });
});
