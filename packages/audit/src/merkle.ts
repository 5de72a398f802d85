/**
 * A Merkle tree over the global log in the shape of RFC 6962 (Certificate Transparency): leaves and inner nodes are
 * hashed with distinct prefixes (0x00, 0x01), and the root of n leaves splits at the largest power of two below n.
 * The tree is kept as its frontier (the roots of the perfect subtrees, largest first), so appending a leaf costs
 * O(log n) and a checkpoint can continue from the previous one without reading older events again.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '@ntm/event-store';

/** What a leaf commits to: the event's place in the log and in its stream, and its chain hash. */
export interface LeafInput {
  position: bigint;
  streamId: string;
  revision: bigint;
  hash: string;
}

export interface Peak {
  height: number;
  hash: string;
}

/** SHA-256 of the empty string: the root of an empty tree (RFC 6962 §2.1). */
export const EMPTY_ROOT = createHash('sha256').digest('hex');

export function leafHash(leaf: LeafInput): string {
  return createHash('sha256')
    .update(Buffer.from([0]))
    .update(
      canonicalJson({
        position: leaf.position.toString(),
        streamId: leaf.streamId,
        revision: Number(leaf.revision),
        hash: leaf.hash,
      }),
      'utf8',
    )
    .digest('hex');
}

function nodeHash(left: string, right: string): string {
  return createHash('sha256')
    .update(Buffer.from([1]))
    .update(Buffer.from(left, 'hex'))
    .update(Buffer.from(right, 'hex'))
    .digest('hex');
}

export class MerkleFrontier {
  private constructor(
    private peaks: Peak[],
    private leaves: number,
  ) {}

  static empty(): MerkleFrontier {
    return new MerkleFrontier([], 0);
  }

  /** Continues from a saved frontier; its heights must be the binary decomposition of `count`. */
  static from(peaks: readonly Peak[], count: number): MerkleFrontier {
    const sum = peaks.reduce((total, p) => total + 2 ** p.height, 0);
    const decreasing = peaks.every((p, i) => i === 0 || p.height < peaks[i - 1]!.height);
    if (sum !== count || !decreasing) throw new Error(`frontier does not describe ${count} leaves`);
    return new MerkleFrontier(
      peaks.map((p) => ({ ...p })),
      count,
    );
  }

  get count(): number {
    return this.leaves;
  }

  push(leaf: LeafInput): void {
    let peak: Peak = { height: 0, hash: leafHash(leaf) };
    while (this.peaks.length > 0 && this.peaks.at(-1)!.height === peak.height) {
      const left = this.peaks.pop()!;
      peak = { height: peak.height + 1, hash: nodeHash(left.hash, peak.hash) };
    }
    this.peaks.push(peak);
    this.leaves += 1;
  }

  /** The tree's root: the peaks folded from the right (the RFC 6962 split, recursively). */
  root(): string {
    if (this.peaks.length === 0) return EMPTY_ROOT;
    let hash = this.peaks.at(-1)!.hash;
    for (let i = this.peaks.length - 2; i >= 0; i -= 1) hash = nodeHash(this.peaks[i]!.hash, hash);
    return hash;
  }

  frontier(): Peak[] {
    return this.peaks.map((p) => ({ ...p }));
  }
}
