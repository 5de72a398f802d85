/**
 * The document files' SQL side, beside the events: the original file names (personal data that may have to be
 * erased, so never in the log; ADR 0013) and the download trail (who downloaded which file version, when) that
 * auditors read.
 */
import { migrate, quoteIdent, type SqlClient } from '@ntm/sql';
import type { DomainActor } from '@ntm/domain';
import { binder, readableRow, type ReadScope } from '@ntm/projections';

export interface DownloadRecord {
  dossierId: string;
  documentId: string;
  version: number;
  sha256: string;
  actor: DomainActor;
  /** id of the official the actor acted for */
  onBehalfOf?: string | undefined;
  /** `bytes=a-b` when a range was asked for */
  range?: string | undefined;
  at: Date;
}

export class DocumentFileTables {
  private readonly names: string;
  private readonly downloads: string;
  /** names asked for in this turn, written together */
  private pendingNames: {
    row: [string, string, string, string];
    resolve: () => void;
    reject: (error: unknown) => void;
  }[] = [];

  constructor(
    private readonly sql: SqlClient,
    private readonly schema: string,
  ) {
    this.names = `${quoteIdent(schema)}.document_file_names`;
    this.downloads = `${quoteIdent(schema)}.document_downloads`;
  }

  async init(): Promise<void> {
    const up = `CREATE TABLE IF NOT EXISTS ${this.names} (
      dossier_id text NOT NULL,
      document_id text NOT NULL,
      sha256 text NOT NULL,
      file_name text NOT NULL,
      PRIMARY KEY (dossier_id, document_id, sha256)
    );
    CREATE TABLE IF NOT EXISTS ${this.downloads} (
      id bigserial PRIMARY KEY,
      dossier_id text NOT NULL,
      document_id text NOT NULL,
      version integer NOT NULL,
      sha256 text NOT NULL,
      actor_id text NOT NULL,
      actor_role text NOT NULL,
      actor_unit text NOT NULL,
      on_behalf_of text,
      byte_range text,
      downloaded_at timestamptz NOT NULL
    );
    CREATE INDEX IF NOT EXISTS document_downloads_dossier ON ${this.downloads} (dossier_id, id)`;
    await migrate(
      this.sql,
      [
        { id: 'dossier-api-0004-document-files', up },
        // The read-access trail is also asked by who and by when (GET /audit/downloads).
        {
          id: 'dossier-api-0007-download-trail-indexes',
          up: `CREATE INDEX IF NOT EXISTS document_downloads_actor ON ${this.downloads} (actor_id, id);
               CREATE INDEX IF NOT EXISTS document_downloads_at ON ${this.downloads} (downloaded_at, id)`,
        },
      ],
      `${this.schema}.dossier_api_migrations`,
    );
  }

  /**
   * The name the uploader gave these bytes of this document (the latest upload's name wins). The names asked for in
   * one turn of the event loop are written by one statement (ADR 0041): the uploads whose appends were committed
   * together reach this point together, and in the embedded default each statement is a turn of PGlite's WASM on
   * the service's one thread.
   */
  rememberName(dossierId: string, documentId: string, sha256: string, fileName: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pendingNames.push({ row: [dossierId, documentId, sha256, fileName], resolve, reject });
      if (this.pendingNames.length === 1) setImmediate(() => void this.writeNames());
    });
  }

  private async writeNames(): Promise<void> {
    const batch = this.pendingNames;
    this.pendingNames = [];
    // One row per key, the latest asked for (a statement may not update the same row twice).
    const rows = [...new Map(batch.map(({ row }) => [row.slice(0, 3).join('\n'), row])).values()];
    try {
      await this.sql.query(
        `INSERT INTO ${this.names} (dossier_id, document_id, sha256, file_name)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
         ON CONFLICT (dossier_id, document_id, sha256) DO UPDATE SET file_name = EXCLUDED.file_name`,
        [0, 1, 2, 3].map((i) => rows.map((row) => row[i])),
        { prepare: true },
      );
      for (const { resolve } of batch) resolve();
    } catch (error) {
      for (const { reject } of batch) reject(error);
    }
  }

  async nameOf(dossierId: string, documentId: string, sha256: string): Promise<string | undefined> {
    const { rows } = await this.sql.query<{ file_name: string }>(
      `SELECT file_name FROM ${this.names} WHERE dossier_id = $1 AND document_id = $2 AND sha256 = $3`,
      [dossierId, documentId, sha256],
    );
    return rows[0]?.file_name;
  }

  /** Erases the file names of a dossier (a data subject's request); the files and the log are untouched. */
  async eraseNames(dossierId: string): Promise<number> {
    const { rows } = await this.sql.query(`DELETE FROM ${this.names} WHERE dossier_id = $1 RETURNING 1`, [
      dossierId,
    ]);
    return rows.length;
  }

  async recordDownload(d: DownloadRecord): Promise<void> {
    await this.sql.query(
      `INSERT INTO ${this.downloads} (dossier_id, document_id, version, sha256, actor_id, actor_role, actor_unit,
         on_behalf_of, byte_range, downloaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        d.dossierId,
        d.documentId,
        d.version,
        d.sha256,
        d.actor.id,
        d.actor.role,
        d.actor.unit,
        d.onBehalfOf ?? null,
        d.range ?? null,
        d.at.toISOString(),
      ],
    );
  }

  /** The trail of a dossier, oldest first. */
  async downloadsOf(dossierId: string, limit: number): Promise<Omit<DownloadRecord, 'dossierId'>[]> {
    const { rows } = await this.sql.query<{
      document_id: string;
      version: number;
      sha256: string;
      actor_id: string;
      actor_role: string;
      actor_unit: string;
      on_behalf_of: string | null;
      byte_range: string | null;
      downloaded_at: Date | string;
    }>(
      `SELECT document_id, version, sha256, actor_id, actor_role, actor_unit, on_behalf_of, byte_range,
         downloaded_at FROM ${this.downloads} WHERE dossier_id = $1 ORDER BY id LIMIT $2`,
      [dossierId, limit],
    );
    return rows.map((r) => ({
      documentId: r.document_id,
      version: r.version,
      sha256: r.sha256,
      actor: { id: r.actor_id, role: r.actor_role as DomainActor['role'], unit: r.actor_unit },
      ...(r.on_behalf_of ? { onBehalfOf: r.on_behalf_of } : {}),
      ...(r.byte_range ? { range: r.byte_range } : {}),
      at: new Date(r.downloaded_at),
    }));
  }

  /**
   * The read-access trail across dossiers, oldest first from `afterId`: only downloads of dossiers in `scope` (the
   * caller's, joined with the dossier list read model of `readModelSchema`, same database), narrowed by who, which
   * dossier or document, and a period of days in Vietnam (`from`, `to` inclusive).
   */
  async trail(
    filter: {
      actorId?: string | undefined;
      dossierId?: string | undefined;
      documentId?: string | undefined;
      from?: string | undefined;
      to?: string | undefined;
      afterId?: number | undefined;
      limit: number;
    },
    scope: ReadScope,
    readModelSchema: string,
  ): Promise<(DownloadRecord & { id: number })[]> {
    const params: unknown[] = [];
    const bind = binder(params);
    const where: string[] = [];
    if (filter.actorId !== undefined) where.push(`t.actor_id = ${bind(filter.actorId)}`);
    if (filter.dossierId !== undefined) where.push(`t.dossier_id = ${bind(filter.dossierId)}`);
    if (filter.documentId !== undefined) where.push(`t.document_id = ${bind(filter.documentId)}`);
    if (filter.from !== undefined)
      where.push(`t.downloaded_at >= ${bind(`${filter.from}T00:00:00+07:00`)}::timestamptz`);
    if (filter.to !== undefined)
      where.push(`t.downloaded_at < ${bind(`${filter.to}T00:00:00+07:00`)}::timestamptz + interval '1 day'`);
    if (filter.afterId !== undefined) where.push(`t.id > ${bind(filter.afterId)}`);
    const readable = readableRow(scope, readModelSchema, 'document_downloads', 't', bind);
    if (readable !== 'true') where.push(readable);
    const { rows } = await this.sql.query<{
      id: string;
      dossier_id: string;
      document_id: string;
      version: number;
      sha256: string;
      actor_id: string;
      actor_role: string;
      actor_unit: string;
      on_behalf_of: string | null;
      byte_range: string | null;
      downloaded_at: Date | string;
    }>(
      `SELECT t.id::text AS id, t.dossier_id, t.document_id, t.version, t.sha256, t.actor_id, t.actor_role,
              t.actor_unit, t.on_behalf_of, t.byte_range, t.downloaded_at
         FROM (SELECT dl.*, 'dossier-' || dl.dossier_id AS stream_id FROM ${this.downloads} dl) t
        ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY t.id LIMIT ${bind(filter.limit)}`,
      params,
    );
    return rows.map((r) => ({
      id: Number(r.id),
      dossierId: r.dossier_id,
      documentId: r.document_id,
      version: r.version,
      sha256: r.sha256,
      actor: { id: r.actor_id, role: r.actor_role as DomainActor['role'], unit: r.actor_unit },
      ...(r.on_behalf_of ? { onBehalfOf: r.on_behalf_of } : {}),
      ...(r.byte_range ? { range: r.byte_range } : {}),
      at: new Date(r.downloaded_at),
    }));
  }
}
