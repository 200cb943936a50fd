import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Rng } from '../random/index.ts';
import { sha256, sha256Hex } from './sha256.ts';

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

describe('sha256Hex', () => {
  // Published vectors: NIST FIPS 180 examples (SHA256.pdf "abc" and the two-block
  // 448-bit message) and the one-million-'a' vector from FIPS 180-2 Appendix B.3.
  it('hashes the empty message', () => {
    expect(sha256Hex(new Uint8Array(0))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('hashes "abc" (one block)', () => {
    expect(sha256Hex(ascii('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('hashes the 448-bit message whose padding needs a second block', () => {
    const msg = ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq');
    expect(sha256Hex(msg)).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  });

  it('hashes the 896-bit message (two full blocks before padding)', () => {
    const msg = ascii(
      'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
    );
    expect(sha256Hex(msg)).toBe('cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1');
  });

  it('hashes one million "a"', () => {
    expect(sha256Hex(new Uint8Array(1_000_000).fill(0x61))).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  });

  it('agrees with node:crypto on every length around the block and padding boundaries', () => {
    const rng = new Rng(7);
    const lengths = [1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 4097];
    for (const n of lengths) {
      const bytes = Uint8Array.from({ length: n }, () => rng.int(256));
      expect(sha256Hex(bytes), `length ${n}`).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
  });

  it('hashes a subarray view by its own bytes, not the underlying buffer', () => {
    const whole = ascii('xxabcxx');
    expect(sha256Hex(whole.subarray(2, 5))).toBe(sha256Hex(ascii('abc')));
    expect(sha256(whole.subarray(2, 5))).toHaveLength(32);
  });
});
