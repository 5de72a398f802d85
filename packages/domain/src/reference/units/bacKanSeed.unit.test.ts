import { describe, expect, it } from 'vitest';
import { bacKanSeed, parseBacKanSeed } from './bacKanSeed.js';

describe('parseBacKanSeed', () => {
  it('accepts the bundled seed', () => {
    expect(bacKanSeed().province.gso_code).toBe('06');
  });

  it('rejects a seed with a malformed unit code or type, naming the problem', () => {
    const broken = structuredClone(bacKanSeed());
    broken.districts[0]!.units_2022[0]!.code = 'abc';
    expect(() => parseBacKanSeed(broken)).toThrowError(
      expect.objectContaining({ code: 'SEED_INVALID' }) as Error,
    );
    expect(() => parseBacKanSeed({})).toThrowError(
      expect.objectContaining({ code: 'SEED_INVALID' }) as Error,
    );
  });
});
