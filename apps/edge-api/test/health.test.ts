import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';

describe('edge API inside workerd', () => {
  it('answers /health with the served models and a request id', async () => {
    const res = await SELF.fetch('http://example.com/health');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    const body = (await res.json()) as { status: string; models: string[]; rejected: unknown[] };
    expect(body.status).toBe('ok');
    expect(body.models).toEqual(['rnn-tiny', 'gru-tiny', 'lstm-tiny', 'ngram-char3', 'mix-tiny']);
    expect(body.rejected).toEqual([]);
  });

  it('renders unknown routes with the error envelope', async () => {
    const res = await SELF.fetch('http://example.com/v1/nothing-here');
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { code: string; message: string; requestId: string } };
    expect(body.error.code).toBe('NOT_FOUND');
    expect(body.error.message).toContain('/v1/nothing-here');
    expect(body.error.requestId).toBe(res.headers.get('x-request-id'));
  });

});
