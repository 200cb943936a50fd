import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';

describe('edge API inside workerd', () => {
  it('answers /health with the supported text pipeline', async () => {
    const res = await SELF.fetch('http://example.com/health');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    const body = (await res.json()) as { status: string; tokenizers: string[] };
    expect(body.status).toBe('ok');
    expect(body.tokenizers).toEqual(['char', 'word']);
  });

  it('renders unknown routes with the error envelope', async () => {
    const res = await SELF.fetch('http://example.com/v1/nothing-here');
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('NOT_FOUND');
    expect(body.error.message).toContain('/v1/nothing-here');
  });
});
