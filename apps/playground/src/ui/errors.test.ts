import { describe, expect, it } from 'vitest';
import { SeqlmError } from '@seqlm/core/errors';
import { describeError } from './errors.ts';

describe('describeError', () => {
  it('gives each load failure a plain title and keeps the exact message', () => {
    const hash = describeError(new SeqlmError('HASH_MISMATCH', 'model.onnx: sha256 is aa, the manifest expects bb'));
    expect(hash).toEqual({
      code: 'HASH_MISMATCH',
      title: 'A model file does not match its manifest (corrupted or partly downloaded), so it was not used.',
      detail: 'model.onnx: sha256 is aa, the manifest expects bb',
    });
    expect(describeError(new SeqlmError('MANIFEST_INVALID', 'x')).title).toContain('manifest is invalid');
    expect(describeError(new SeqlmError('UNSUPPORTED', 'no WebAssembly')).title).toContain('not supported');
  });

  it('falls back to INTERNAL for anything that is not a SeqlmError', () => {
    expect(describeError(new TypeError('boom'))).toEqual({ code: 'INTERNAL', title: 'Something went wrong.', detail: 'boom' });
    expect(describeError('text')).toEqual({ code: 'INTERNAL', title: 'Something went wrong.', detail: 'text' });
  });
});
