import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readModels0001 } from './migration0001.js';

describe('migration 0001', () => {
  it('is frozen: its text never changes (a new table or column is a new migration)', () => {
    const sha256 = createHash('sha256').update(readModels0001('read_models')).digest('hex');
    expect(sha256).toBe('5a0747e8ffb6e0fdc6508813574b3a30400c5f13e356340230482a598f508d1d');
  });
});
