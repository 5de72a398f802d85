import { describe, expect, it } from 'vitest';
import { villageSource } from './villageSource.js';

describe('villageSource', () => {
  it('hands out more dossiers than there are communes, each village once', () => {
    const source = villageSource(['a', 'b', 'c']);
    const handed = Array.from({ length: 10 }, () => source.next());
    expect(new Set(handed.map((h) => `${h.commune}-${h.village}`)).size).toBe(10);
    expect(handed.map((h) => h.village)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(handed.filter((h) => h.commune === 'a')).toHaveLength(4);
  });

  it('keeps numbering villages across phases: a second phase never reuses a village', () => {
    const source = villageSource(['a', 'b']);
    const first = Array.from({ length: 5 }, () => source.next().village);
    const second = Array.from({ length: 5 }, () => source.next().village);
    expect(second.every((v) => !first.includes(v))).toBe(true);
  });

  it('never offers a refused commune again, and says so when none is left', () => {
    const source = villageSource(['a', 'b']);
    source.refuse('a');
    expect(Array.from({ length: 4 }, () => source.next().commune)).toEqual(['b', 'b', 'b', 'b']);
    source.refuse('b');
    expect(() => source.next()).toThrow(/refused/);
  });
});
