/**
 * Signed checkpoints over the global log: at intervals the engine computes the Merkle root (merkle.ts) of every
 * event up to a position, and signs it with the audit key. Checkpoints form their own hash chain (`prev` is the
 * SHA-256 of the previous checkpoint's canonical body), are kept in SQL beside the events, and are exported
 * (`GET /audit/checkpoints`) so a province can publish them or hand them to a witness. Once a checkpoint is out,
 * deleting, truncating, editing or rewriting-and-re-hashing any event it covers changes the count or the root.
 */
import {
  canonicalJson,
  GENESIS_HASH,
  type EventStore,
  type LeafPage,
  type ReadAllOptions,
} from '@ntm/event-store';
import { isUniqueViolation, quoteIdent, type SqlClient } from '@ntm/sql';
import { migrate } from '@ntm/sql';
import { sha256Hex } from './format.js';
import { signDetached } from './jws.js';
import type { AuditSigner } from './keys.js';
import { MerkleFrontier, type Peak } from './merkle.js';

export const CHECKPOINT_FORMAT = 'ntm-log-checkpoint/1';
export const CHECKPOINT_TYP = 'ntm-log-checkpoint+jws';

export interface CheckpointBody {
  format: typeof CHECKPOINT_FORMAT;
  /** 1, 2, 3, … with no gap */
  seq: number;
  /** the last global position covered (a decimal string: positions pass 2^53) */
  position: string;
  /** the number of events covered: every event at or below `position` */
  count: number;
  /** Merkle root of those events, in log order */
  root: string;
  /** the tree's frontier, so the next checkpoint continues without reading older events */
  frontier: Peak[];
  /** SHA-256 of the previous checkpoint's canonical body; 64 zeros for the first */
  prev: string;
  createdAt: string;
}

export interface SignedCheckpoint {
  body: CheckpointBody;
  /** detached JWS over the canonical body */
  jws: string;
}

export const bodyBytes = (body: CheckpointBody): Buffer => Buffer.from(canonicalJson(body), 'utf8');
export const checkpointDigest = (body: CheckpointBody): string => sha256Hex(bodyBytes(body));

/** The checkpoints' SQL table (`<schema>.audit_checkpoints`), append-only by convention like the events. */
export class CheckpointStore {
  private readonly table: string;
  private readonly lease: string;

  constructor(
    private readonly sql: SqlClient,
    private readonly schema: string,
  ) {
    this.table = `${quoteIdent(schema)}.audit_checkpoints`;
    this.lease = `${quoteIdent(schema)}.audit_checkpointer`;
  }

  /**
   * Takes or renews the checkpointer's lease for `holder` until `until`: true when `holder` has it (it held it, or
   * the last holder's lease ran out at `now`). One conditional upsert, so two replicas cannot both get it.
   */
  async takeLease(holder: string, now: Date, until: Date): Promise<boolean> {
    const { rows } = await this.sql.query<{ holder: string }>(
      `INSERT INTO ${this.lease} AS l (name, holder, expires_at) VALUES ('checkpointer', $1, $3)
       ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
        WHERE l.holder = EXCLUDED.holder OR l.expires_at <= $2
       RETURNING holder`,
      [holder, now.toISOString(), until.toISOString()],
    );
    return rows.length === 1;
  }

  async migrate(): Promise<void> {
    await migrate(
      this.sql,
      [
        {
          id: '0001-audit-checkpoints',
          up: `CREATE TABLE ${this.table} (
                 seq integer PRIMARY KEY,
                 position numeric(20) NOT NULL,
                 body text NOT NULL,
                 jws text NOT NULL
               )`,
        },
        {
          // Who takes the automatic checkpoints (autoCheckpointer.ts): one holder at a time among the replicas.
          id: '0002-audit-checkpointer-lease',
          up: `CREATE TABLE ${this.lease} (
                 name text PRIMARY KEY,
                 holder text NOT NULL,
                 expires_at timestamptz NOT NULL
               )`,
        },
      ],
      `${this.schema}.audit_migrations`,
    );
  }

  async latest(): Promise<SignedCheckpoint | undefined> {
    const { rows } = await this.sql.query<{ body: string; jws: string }>(
      `SELECT body, jws FROM ${this.table} ORDER BY seq DESC LIMIT 1`,
    );
    return rows[0] ? parse(rows[0]) : undefined;
  }

  /** Checkpoints after `afterSeq` (default all), oldest first. */
  async list(options: { afterSeq?: number; limit?: number } = {}): Promise<SignedCheckpoint[]> {
    const { rows } = await this.sql.query<{ body: string; jws: string }>(
      `SELECT body, jws FROM ${this.table} WHERE seq > $1 ORDER BY seq LIMIT $2`,
      [options.afterSeq ?? 0, options.limit ?? 2_147_483_647],
    );
    return rows.map(parse);
  }

  /** false when another process took the same `seq` first. */
  async insert(checkpoint: SignedCheckpoint): Promise<boolean> {
    try {
      await this.sql.query(`INSERT INTO ${this.table} (seq, position, body, jws) VALUES ($1, $2, $3, $4)`, [
        checkpoint.body.seq,
        checkpoint.body.position,
        canonicalJson(checkpoint.body),
        checkpoint.jws,
      ]);
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }
}

const parse = (row: { body: string; jws: string }): SignedCheckpoint => ({
  body: JSON.parse(row.body) as CheckpointBody,
  jws: row.jws,
});

/**
 * A page of the log's leaves (position, stream, revision, hash): from the store's `readAllLeaves` when it has one
 * (no event data read or parsed: what keeps checkpoints cheap on the append path), else from `readAll`.
 */
export async function readLeaves(store: EventStore, options: ReadAllOptions): Promise<LeafPage> {
  if (store.readAllLeaves) return store.readAllLeaves(options);
  const page = await store.readAll(options);
  return { leaves: page.events, nextAfter: page.nextAfter, isEnd: page.isEnd };
}

/** A Merkle tree over the log up to `after`: what the next checkpoint will sign when the log has moved. */
export interface LogTree {
  tree: MerkleFrontier;
  /** the position of the tree's last leaf (0 for none) */
  after: bigint;
}

/** The tree as the checkpoint `previous` left it, to continue from; empty before the first checkpoint. */
export function treeAfter(previous: SignedCheckpoint | undefined): LogTree {
  return previous
    ? {
        tree: MerkleFrontier.from(previous.body.frontier, previous.body.count),
        after: BigInt(previous.body.position),
      }
    : { tree: MerkleFrontier.empty(), after: 0n };
}

/** Leaves per read: a page's rows are parsed and hashed without a break (about 5 ms for 1000 on a slow machine). */
export const LEAF_PAGE = 1000;

/**
 * Pushes every readable leaf after `log.after` into the tree. Each page's read gives way to the event loop, so the
 * requests of the service that runs this wait for one page at most, never for the whole stretch of log since the
 * last checkpoint: 15,000 events read in 5000-leaf pages, twice (a count, then the checkpoint), held the dossier
 * service's commands up 100-150 ms every 15 s under load (docs/benchmarks.md).
 */
export async function extendTree(store: EventStore, log: LogTree, pageSize = LEAF_PAGE): Promise<void> {
  for (;;) {
    const page = await readLeaves(store, { after: log.after, limit: pageSize });
    for (const leaf of page.leaves) log.tree.push(leaf);
    log.after = page.nextAfter;
    if (page.isEnd) return;
  }
}

export interface StoreCheckpointOptions {
  checkpoints: CheckpointStore;
  signer: AuditSigner;
  now: Date;
  /** the latest stored checkpoint, which `log` continues */
  previous: SignedCheckpoint | undefined;
  log: LogTree;
}

/**
 * Signs and stores the checkpoint after `previous` over `log`. Nothing when the log has not moved since
 * `previous`, or when another process stored that checkpoint (`seq`) first.
 */
export async function storeCheckpoint(
  options: StoreCheckpointOptions,
): Promise<SignedCheckpoint | undefined> {
  const { previous, log } = options;
  if (log.tree.count === (previous?.body.count ?? 0)) return undefined;
  const body: CheckpointBody = {
    format: CHECKPOINT_FORMAT,
    seq: (previous?.body.seq ?? 0) + 1,
    position: log.after.toString(),
    count: log.tree.count,
    root: log.tree.root(),
    frontier: log.tree.frontier(),
    prev: previous ? checkpointDigest(previous.body) : GENESIS_HASH,
    createdAt: options.now.toISOString(),
  };
  const checkpoint = { body, jws: await signDetached(options.signer, bodyBytes(body), CHECKPOINT_TYP) };
  return (await options.checkpoints.insert(checkpoint)) ? checkpoint : undefined;
}

export interface MakeCheckpointOptions {
  store: EventStore;
  checkpoints: CheckpointStore;
  signer: AuditSigner;
  now: Date;
  /** page size of the log reads */
  pageSize?: number;
}

/**
 * Signs and stores the next checkpoint, covering every event appended since the last one (read once, from the
 * last checkpoint's position). Nothing when the log has not moved, or when another process stored that
 * checkpoint first.
 */
export async function makeCheckpoint(options: MakeCheckpointOptions): Promise<SignedCheckpoint | undefined> {
  const previous = await options.checkpoints.latest();
  const log = treeAfter(previous);
  await extendTree(options.store, log, options.pageSize);
  return storeCheckpoint({ ...options, previous, log });
}
