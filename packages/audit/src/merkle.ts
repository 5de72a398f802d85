/**
 * A Merkle tree over the global log in the shape of RFC 6962 (Certificate Transparency): leaves and inner nodes are
 * hashed with distinct prefixes (0x00, 0x01), and the root of n leaves splits at the largest power of two below n.
 * The tree is kept as its frontier (the roots of the perfect subtrees, largest first), so appending a leaf costs
 * O(log n) and a checkpoint can continue from the previous one without reading older events again.
 */
import * as crypto from 'node:crypto';
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
export const EMPTY_ROOT = crypto.createHash('sha256').digest('hex');

// One-shot `crypto.hash` where Node has it (20.12+; the offline verifier runs on any Node 20): about half the time
// of a `createHash` object per hash, and a checkpoint hashes every event of the log about twice.
const oneShot = (crypto as unknown as { hash?: (a: string, d: string | Buffer, e: 'hex') => string }).hash;
const sha256Hex: (data: string | Buffer) => string = oneShot
  ? (data) => oneShot('sha256', data, 'hex')
  : (data) => crypto.createHash('sha256').update(data).digest('hex');

export function leafHash(leaf: LeafInput): string {
  const body = canonicalJson({
    position: leaf.position.toString(),
    streamId: leaf.streamId,
    revision: Number(leaf.revision),
    hash: leaf.hash,
  });
  return sha256Hex(`\u0000${body}`);
}

function nodeHash(left: string, right: string): string {
  return sha256Hex(Buffer.from(`01${left}${right}`, 'hex'));
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
