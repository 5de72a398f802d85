/**
 * Complaint details: who complains (name, address, contact) and the grounds, which are personal data, kept in an
 * ordinary SQL table beside the store so they can be erased, like council reasons (ADR 0022). The COMPLAINT's
 * opening event holds only their SHA-256 (`complainantSha256`, `groundsSha256`): rows are addressed by that hash,
 * erasing one leaves the hash chain intact, and a text shown later can be checked against the event.
 */
import { migrate, quoteIdent, type SqlClient } from '@ntm/sql';
import { complainantJson, complainantSha256, reasonSha256 } from '@ntm/domain';
import { ComplaintFiling } from '@ntm/contracts';

interface Detail {
  sha256: string;
  kind: 'complainant' | 'grounds';
  text: string;
}

export class ComplaintDetailStore {
  private readonly table: string;

  constructor(
    private readonly sql: SqlClient,
    private readonly schema: string,
  ) {
    this.table = `${quoteIdent(schema)}.complaint_details`;
  }

  async init(): Promise<void> {
    const up = `CREATE TABLE IF NOT EXISTS ${this.table} (
      sha256 text PRIMARY KEY,
      kind text NOT NULL,
      text text NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now()
    )`;
    await migrate(
      this.sql,
      [{ id: 'dossier-api-0004-complaint-details', up }],
      `${this.schema}.dossier_api_migrations`,
    );
  }

  /**
   * Keeps a filing's texts before the complaint is decided, so a crash after the append loses nothing; returns
   * the rows this call wrote (a retry, or the same text filed before, finds them there and writes none).
   */
  async keep(sent: ComplaintFiling): Promise<Detail[]> {
    // As the domain hashes them: trimmed by the contract's schema.
    const filing = ComplaintFiling.parse(sent);
    const details: Detail[] = [
      {
        sha256: complainantSha256(filing.complainant),
        kind: 'complainant',
        text: complainantJson(filing.complainant),
      },
      { sha256: reasonSha256(filing.grounds), kind: 'grounds', text: filing.grounds },
    ];
    const kept: Detail[] = [];
    for (const d of details) {
      const { rows } = await this.sql.query(
        `INSERT INTO ${this.table} (sha256, kind, text) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING RETURNING 1 AS kept`,
        [d.sha256, d.kind, d.text],
      );
      if (rows.length > 0) kept.push(d);
    }
    return kept;
  }

  /** Forgets texts whose complaint was refused: no event refers to them. */
  async forget(details: readonly Detail[]): Promise<void> {
    for (const d of details) await this.sql.query(`DELETE FROM ${this.table} WHERE sha256 = $1`, [d.sha256]);
  }

  /** The texts behind these hashes (an erased one is absent). */
  async read(sha256s: readonly string[]): Promise<Detail[]> {
    const { rows } = await this.sql.query<Detail>(
      `SELECT sha256, kind, text FROM ${this.table} WHERE sha256 = ANY($1::text[]) ORDER BY kind`,
      [sha256s],
    );
    return rows;
  }

  /** Erases a text (a data subject's request); the event keeps its hash. */
  async erase(sha256: string): Promise<boolean> {
    const { rows } = await this.sql.query(`DELETE FROM ${this.table} WHERE sha256 = $1 RETURNING 1 AS gone`, [
      sha256,
    ]);
    return rows.length > 0;
  }
}
