import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EMPTY_ROOT, leafHash, MerkleFrontier, type LeafInput } from './merkle.js';

const leaf = (i: number): LeafInput => ({
  position: BigInt(i + 1),
  streamId: `dossier-${i % 3}`,
  revision: BigInt(Math.floor(i / 3)),
  hash: createHash('sha256').update(String(i)).digest('hex'),
});

/** RFC 6962 §2.1 MTH, written recursively: the reference the frontier must agree with. */
function mth(hashes: readonly string[]): string {
  if (hashes.length === 0) return EMPTY_ROOT;
  if (hashes.length === 1) return hashes[0]!;
  let k = 1;
  while (k * 2 < hashes.length) k *= 2;
  return createHash('sha256')
    .update(Buffer.from([1]))
    .update(Buffer.from(mth(hashes.slice(0, k)), 'hex'))
    .update(Buffer.from(mth(hashes.slice(k)), 'hex'))
    .digest('hex');
}

describe('MerkleFrontier', () => {
  it('gives the RFC 6962 root for every size, and continues from a saved frontier to the same root', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 70 }), fc.integer({ min: 0, max: 70 }), (n, m) => {
        const leaves = Array.from({ length: n + m }, (_, i) => leaf(i));
        const first = MerkleFrontier.empty();
        leaves.slice(0, n).forEach((l) => first.push(l));
        expect(first.root()).toBe(mth(leaves.slice(0, n).map(leafHash)));
        const continued = MerkleFrontier.from(first.frontier(), first.count);
        leaves.slice(n).forEach((l) => continued.push(l));
        expect(continued.root()).toBe(mth(leaves.map(leafHash)));
        expect(continued.count).toBe(n + m);
      }),
    );
  });

  it('changes its root when a leaf is changed, removed or two leaves swap', () => {
    const leaves = Array.from({ length: 9 }, (_, i) => leaf(i));
    const rootOf = (list: LeafInput[]) => {
      const f = MerkleFrontier.empty();
      list.forEach((l) => f.push(l));
      return f.root();
    };
    const base = rootOf(leaves);
    expect(rootOf(leaves.map((l, i) => (i === 4 ? { ...l, hash: leaf(99).hash } : l)))).not.toBe(base);
    expect(rootOf(leaves.filter((_, i) => i !== 4))).not.toBe(base);
    expect(rootOf([leaves[1]!, leaves[0]!, ...leaves.slice(2)])).not.toBe(base);
  });

  it('refuses a frontier that does not describe its count', () => {
    expect(() => MerkleFrontier.from([{ height: 1, hash: EMPTY_ROOT }], 3)).toThrow();
    expect(() =>
      MerkleFrontier.from(
        [
          { height: 0, hash: EMPTY_ROOT },
          { height: 1, hash: EMPTY_ROOT },
        ],
        3,
      ),
    ).toThrow();
  });
});
