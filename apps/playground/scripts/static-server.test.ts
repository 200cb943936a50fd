import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { precompressDir } from './precompress.ts';
import { pickEncoding, serveStatic, type StaticServer } from './static-server.ts';

let root: string;
let site: string;
let server: StaticServer;
const js = `export const words = "${'the time traveller '.repeat(200)}";\n`;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'seqlm-serve-'));
  site = join(root, 'site');
  mkdirSync(join(site, 'assets'), { recursive: true });
  writeFileSync(join(site, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(site, 'assets', 'app-abc123.js'), js);
  writeFileSync(join(root, 'secret.txt'), 'outside the site');
  await precompressDir(site, join(root, 'cache'), 5);
  server = await serveStatic(site);
});

afterAll(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('precompressDir', () => {
  it('writes brotli and gzip that decode to the file, skips files under 1 KB, and caches by content', async () => {
    expect(brotliDecompressSync(readFileSync(join(site, 'assets', 'app-abc123.js.br'))).toString()).toBe(js);
    expect(gunzipSync(readFileSync(join(site, 'assets', 'app-abc123.js.gz'))).toString()).toBe(js);
    expect(readdirSync(site)).toEqual(['assets', 'index.html']);
    expect(readdirSync(join(root, 'cache')).sort()).toEqual([expect.stringMatching(/^[0-9a-f]{64}\.gz$/), expect.stringMatching(/^[0-9a-f]{64}\.q5\.br$/)]);
    const again = await precompressDir(site, join(root, 'cache'), 5);
    expect(again.files).toBe(1);
  });
});

describe('pickEncoding', () => {
  it('prefers brotli, honours q=0 and *, and falls back to identity', () => {
    const both = { br: true, gzip: true };
    expect(pickEncoding('gzip, deflate, br, zstd', both)).toBe('br');
    expect(pickEncoding('br;q=0, gzip', both)).toBe('gzip');
    expect(pickEncoding('*', both)).toBe('br');
    expect(pickEncoding('gzip;q=0.5', { br: true, gzip: false })).toBeNull();
    expect(pickEncoding(undefined, both)).toBeNull();
  });
});

describe('serveStatic', () => {
  it('sends the precompressed file the client accepts, with Vary and immutable caching for hashed assets', async () => {
    const res = await fetch(new URL('assets/app-abc123.js', server.url), { headers: { 'accept-encoding': 'br' } });
    expect(res.headers.get('content-encoding')).toBe('br');
    expect(res.headers.get('vary')).toBe('Accept-Encoding');
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect(await res.text()).toBe(js); // fetch decodes brotli
    expect(server.log.at(-1)).toMatchObject({ path: '/assets/app-abc123.js', status: 200, encoding: 'br', bytes: readFileSync(join(site, 'assets', 'app-abc123.js.br')).length });
  });

  it('answers a matching ETag with 304, and revalidates the page', async () => {
    const first = await fetch(server.url);
    expect(first.headers.get('cache-control')).toBe('no-cache');
    const etag = first.headers.get('etag')!;
    const again = await fetch(server.url, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  it('refuses paths outside the root, unknown files and other methods', async () => {
    expect((await fetch(new URL('%2e%2e/secret.txt', server.url))).status).toBe(404);
    expect((await fetch(new URL('nope.js', server.url))).status).toBe(404);
    expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
  });

  it('behaves as a plain host when asked to, and can add Vary: Origin as vite preview does', async () => {
    const plain = await serveStatic(site, { precompressed: false, caching: false, varyOrigin: true });
    try {
      const res = await fetch(new URL('assets/app-abc123.js', plain.url), { headers: { 'accept-encoding': 'br' } });
      expect(res.headers.get('content-encoding')).toBeNull();
      expect(res.headers.get('cache-control')).toBeNull();
      expect(res.headers.get('vary')).toBe('Origin');
      expect(await res.text()).toBe(js);
    } finally {
      await plain.close();
    }
  });
});
