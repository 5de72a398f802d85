import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from './sha256.js';

describe('sha256Hex', () => {
  it('matches Node’s SHA-256 on the standard vectors, Vietnamese text and every padding length', () => {
    const inputs = [
      '',
      'abc',
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      'Vợ tôi là cán bộ văn phòng UBND xã Quảng Bạch',
      ...Array.from({ length: 130 }, (_, n) => 'x'.repeat(n)),
    ];
    for (const text of inputs) expect(sha256Hex(text)).toBe(createHash('sha256').update(text).digest('hex'));
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
