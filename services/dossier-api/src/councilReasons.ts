/**
 * Council reasons: the text of a member's vote reason or recusal, which may name people (a relative, a conflict of
 * interest), kept in an ordinary SQL table beside the store so it can be erased (ADR 0022). The event log holds
 * only its SHA-256; erasing a row leaves the hash chain intact, and a text shown later can be checked against the
 * hash in the event.
 */
import { migrate, quoteIdent, type SqlClient } from '@ntm/sql';
import { reasonSha256 } from '@ntm/domain';

export type ReasonKind = 'vote' | 'recusal';

export interface CouncilReason {
  memberId: string;
  kind: ReasonKind;
  sha256: string;
  text: string;
  recordedAt: string;
}

export class CouncilReasonStore {
  private readonly table: string;

  constructor(
    private readonly sql: SqlClient,
    private readonly schema: string,
  ) {
    this.table = `${quoteIdent(schema)}.council_reasons`;
  }

  async init(): Promise<void> {
    const up = `CREATE TABLE IF NOT EXISTS ${this.table} (
      dossier_id text NOT NULL,
      member_id text NOT NULL,
      kind text NOT NULL,
      sha256 text NOT NULL,
      text text NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (dossier_id, member_id, kind, sha256)
    )`;
    await migrate(
      this.sql,
      [{ id: 'dossier-api-0003-council-reasons', up }],
      `${this.schema}.dossier_api_migrations`,
    );
  }

  /**
   * Keeps the text before the command is decided, so a crash after the append loses nothing; true when this call
   * wrote the row (a retry, or the same text sent before, finds it there).
   */
  async keep(dossierId: string, memberId: string, kind: ReasonKind, text: string): Promise<boolean> {
    const { rows } = await this.sql.query(
      `INSERT INTO ${this.table} (dossier_id, member_id, kind, sha256, text) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING RETURNING 1 AS kept`,
      [dossierId, memberId, kind, reasonSha256(text), text],
    );
    return rows.length > 0;
  }

  /** Forgets a text whose command was refused: no event refers to it. */
  async forget(dossierId: string, memberId: string, kind: ReasonKind, text: string): Promise<void> {
    await this.sql.query(
      `DELETE FROM ${this.table} WHERE dossier_id = $1 AND member_id = $2 AND kind = $3 AND sha256 = $4`,
      [dossierId, memberId, kind, reasonSha256(text)],
    );
  }

  async list(dossierId: string): Promise<CouncilReason[]> {
    const { rows } = await this.sql.query<{
      member_id: string;
      kind: ReasonKind;
      sha256: string;
      text: string;
      recorded_at: Date | string;
    }>(
      `SELECT member_id, kind, sha256, text, recorded_at FROM ${this.table}
        WHERE dossier_id = $1 ORDER BY recorded_at, member_id`,
      [dossierId],
    );
    return rows.map((r) => ({
      memberId: r.member_id,
      kind: r.kind,
      sha256: r.sha256,
      text: r.text,
      recordedAt: new Date(r.recorded_at).toISOString(),
    }));
  }
}
