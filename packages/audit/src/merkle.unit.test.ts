import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '@ntm/event-store';
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

describe('leafHash', () => {
  it('is SHA-256 of 0x00 and the canonical JSON of position, stream, revision and hash', () => {
    const reference = (l: LeafInput) =>
      createHash('sha256')
        .update(Buffer.from([0]))
        .update(
          canonicalJson({
            position: l.position.toString(),
            streamId: l.streamId,
            revision: Number(l.revision),
            hash: l.hash,
          }),
          'utf8',
        )
        .digest('hex');
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 2n ** 62n }),
        fc.string({ unit: 'binary' }),
        fc.nat(),
        (p, s, r) => {
          const l = { position: p, streamId: s, revision: BigInt(r), hash: 'ab'.repeat(32) };
          expect(leafHash(l)).toBe(reference(l));
        },
      ),
    );
    // Pinned: checkpoints already signed must keep verifying.
    expect(
      leafHash({
        position: 123456789012345678n,
        streamId: 'dossier-Xã "q"\n',
        revision: 7n,
        hash: 'ab'.repeat(32),
      }),
    ).toBe('4e66b267fdef8a06843f822666976863f1064e8d150117fa699197ed82108ef5');
  });
});

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
