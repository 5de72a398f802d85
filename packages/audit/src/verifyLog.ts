/**
 * Checks the whole store against signed checkpoints: each checkpoint's signature and its link to the one before,
 * then one pass over the global log that recomputes every event's hash, follows each stream's chain, and at each
 * checkpoint's position compares the number of events and the Merkle root with what was signed. Deleting a stream,
 * cutting a stream's tail, editing an event, and rewriting a history with fresh hashes are each caught once a
 * checkpoint covering those events exists. Every problem is a named failure; nothing is thrown for a bad log.
 */
import { GENESIS_HASH, hashEvent, type EventStore } from '@ntm/event-store';
import { verifyDetached } from './jws.js';
import type { PublishedKey } from './keys.js';
import { MerkleFrontier } from './merkle.js';
import { bodyBytes, checkpointDigest, type SignedCheckpoint } from './checkpoints.js';

export type LogCheck =
  | 'checkpoint-signature'
  | 'checkpoint-chain'
  | 'checkpoint-missing'
  | 'event-hash'
  | 'stream-chain'
  | 'count'
  | 'root';

export interface LogFailure {
  check: LogCheck;
  message: string;
  checkpoint?: number;
  position?: string;
  streamId?: string;
  revision?: number;
  expected?: string;
  found?: string;
}

export interface LogReport {
  ok: boolean;
  /** events read */
  events: number;
  /** checkpoints checked */
  checkpoints: number;
  /** the last checkpoint whose count and root matched */
  verifiedUpTo?: { seq: number; position: string; count: number };
  failures: LogFailure[];
}

export interface VerifyLogOptions {
  store: EventStore;
  /** the checkpoints to check against (from the table, or a witness's copy), any order */
  checkpoints: readonly SignedCheckpoint[];
  /** the keys trusted to have signed them */
  keys: readonly PublishedKey[];
  /**
   * A checkpoint known from elsewhere (the last one this process saw, a witness's latest): it must still be among
   * `checkpoints`, unchanged. Catches checkpoints deleted from the table together with the events they cover.
   */
  expected?: SignedCheckpoint | undefined;
  pageSize?: number;
  /** called after each page: events read so far, and the position reached */
  onProgress?: (events: number, position: bigint) => void;
  /** stop listing failures after this many (the report says so); default 100 */
  maxFailures?: number;
}

export async function verifyLog(options: VerifyLogOptions): Promise<LogReport> {
  const max = options.maxFailures ?? 100;
  const failures: LogFailure[] = [];
  const fail = (f: LogFailure) => {
    if (failures.length < max) failures.push(f);
  };
  const checkpoints = [...options.checkpoints].sort((a, b) => a.body.seq - b.body.seq);
  await checkCheckpoints(checkpoints, options, fail);

  const tree = MerkleFrontier.empty();
  const heads = new Map<string, { revision: bigint; hash: string }>();
  let next = 0;
  let verifiedUpTo: LogReport['verifiedUpTo'];
  /** Compares the tree with the checkpoint whose position the log has just passed (or ended before). */
  const settle = (cp: SignedCheckpoint) => {
    const { seq, count, root, position } = cp.body;
    if (tree.count !== count)
      fail({
        check: 'count',
        checkpoint: seq,
        position,
        message:
          tree.count < count
            ? `${count - tree.count} event(s) covered by checkpoint ${seq} are missing (deleted stream or cut tail)`
            : `${tree.count - count} event(s) at or before checkpoint ${seq}'s position were not there when it was signed`,
        expected: String(count),
        found: String(tree.count),
      });
    else if (tree.root() !== root)
      fail({
        check: 'root',
        checkpoint: seq,
        position,
        message: `the events covered by checkpoint ${seq} are not the ones it signed (edited, reordered, or rewritten and re-hashed)`,
        expected: root,
        found: tree.root(),
      });
    else verifiedUpTo = { seq, position, count };
  };

  let after = 0n;
  let events = 0;
  for (;;) {
    const page = await options.store.readAll({ after, limit: options.pageSize ?? 5000 });
    for (const e of page.events) {
      while (next < checkpoints.length && e.position > BigInt(checkpoints[next]!.body.position))
        settle(checkpoints[next++]!);
      events += 1;
      const at = { position: e.position.toString(), streamId: e.streamId, revision: Number(e.revision) };
      const recomputed = hashEvent(e);
      if (recomputed !== e.hash)
        fail({
          check: 'event-hash',
          ...at,
          message: 'the event does not match its hash (edited in place)',
          expected: e.hash,
          found: recomputed,
        });
      const head = heads.get(e.streamId);
      const expectedRevision = head ? head.revision + 1n : 0n;
      const expectedPrev = head ? head.hash : GENESIS_HASH;
      if (e.revision !== expectedRevision)
        fail({
          check: 'stream-chain',
          ...at,
          message: 'revision out of sequence in its stream (an event deleted or moved)',
          expected: expectedRevision.toString(),
          found: e.revision.toString(),
        });
      else if (e.prevHash !== expectedPrev)
        fail({
          check: 'stream-chain',
          ...at,
          message: 'prevHash is not the previous event’s hash',
          expected: expectedPrev,
          found: e.prevHash,
        });
      heads.set(e.streamId, { revision: e.revision, hash: e.hash });
      tree.push(e);
    }
    after = page.nextAfter;
    options.onProgress?.(events, after);
    if (page.isEnd) break;
  }
  while (next < checkpoints.length) settle(checkpoints[next++]!);
  return {
    ok: failures.length === 0,
    events,
    checkpoints: checkpoints.length,
    ...(verifiedUpTo ? { verifiedUpTo } : {}),
    failures,
  };
}

async function checkCheckpoints(
  checkpoints: readonly SignedCheckpoint[],
  options: VerifyLogOptions,
  fail: (f: LogFailure) => void,
): Promise<void> {
  let prev = GENESIS_HASH;
  for (const [index, cp] of checkpoints.entries()) {
    const { seq } = cp.body;
    const signature = await verifyDetached(cp.jws, bodyBytes(cp.body), options.keys, cp.body.createdAt);
    if (!signature.ok) fail({ check: 'checkpoint-signature', checkpoint: seq, message: signature.reason });
    if (seq !== index + 1)
      fail({
        check: 'checkpoint-chain',
        checkpoint: seq,
        message: 'checkpoint sequence has a gap',
        expected: String(index + 1),
        found: String(seq),
      });
    else if (cp.body.prev !== prev)
      fail({
        check: 'checkpoint-chain',
        checkpoint: seq,
        message: 'prev is not the previous checkpoint’s digest',
        expected: prev,
        found: cp.body.prev,
      });
    prev = checkpointDigest(cp.body);
  }
  const expected = options.expected;
  if (expected) {
    const found = checkpoints.find((cp) => cp.body.seq === expected.body.seq);
    if (!found)
      fail({
        check: 'checkpoint-missing',
        checkpoint: expected.body.seq,
        message: `checkpoint ${expected.body.seq} is no longer stored`,
      });
    else if (checkpointDigest(found.body) !== checkpointDigest(expected.body))
      fail({
        check: 'checkpoint-missing',
        checkpoint: expected.body.seq,
        message: `checkpoint ${expected.body.seq} was replaced`,
        expected: checkpointDigest(expected.body),
        found: checkpointDigest(found.body),
      });
  }
}
