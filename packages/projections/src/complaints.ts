/**
 * Khiếu nại — one row per complaint dossier about the decision it challenges (its projection), and the SQL the
 * other read models' queries use to show that decision "under complaint" or annulled (ADR 0026, docs/domain.md).
 *
 * The row belongs to the COMPLAINT stream, not to the decided dossier: every row of every read model stays a pure
 * function of one stream, so a rebuild still equals the incremental read models. The decided dossier's list row,
 * recognition rows, progress and open data read the mark at query time through `complaintOf` / `annulled`.
 */
import type { SqlClient } from '@ntm/sql';
import type { DossierComplaint } from './dossierList.js';
import { DEFAULT_SCHEMA, q, rowProjection } from './projection.js';

/** Khiếu nại — complaints and the decision each one is about; `state` is the complaint's step. */
export const projectToComplaints = rowProjection(
  'complaints',
  `stream_id text PRIMARY KEY, target_stream_id text NOT NULL, target_kind text NOT NULL,
   target_decision_no text NOT NULL, state text NOT NULL, filed_on text NOT NULL, accepted_on text,
   decision_no text, decided_on text, province_code text NOT NULL`,
  ['stream_id'],
  (v) =>
    v.complaint
      ? [
          {
            stream_id: v.streamId,
            target_stream_id: v.complaint.targetStreamId,
            target_kind: v.complaint.targetKind,
            target_decision_no: v.complaint.targetDecisionNo,
            state: v.step,
            filed_on: v.complaint.filedOn,
            accepted_on: v.complaint.acceptedOn,
            decision_no: v.complaint.decisionNo,
            decided_on: v.complaint.decidedOn,
            province_code: v.provinceCode,
          },
        ]
      : [],
);

/** 0006: the complaints table, found by the decision it is about. */
export const complaintMigrations = (schema: string) => [
  {
    id: '0006-complaints',
    up: [
      `CREATE TABLE IF NOT EXISTS ${q(schema)}.complaints (${projectToComplaints.columns})`,
      `CREATE INDEX IF NOT EXISTS complaints_target ON ${q(schema)}.complaints (target_stream_id, target_decision_no)`,
    ].join(';\n'),
  },
];

/**
 * What the read models say about a decision under the Law on Complaints:
 * - `under_complaint` from the issuer's acceptance (thụ lý) until the complaint is resolved or withdrawn. A complaint
 *   does not suspend the decision (Art. 12: only a separate suspension decision does), so it still counts meanwhile;
 * - `annulled` (huỷ bỏ): the decision no longer exists; recognition status, progress and open data drop it;
 * - `upheld` (giữ nguyên) and `amended` (sửa đổi): the decision stands, as amended in the second case (the
 *   amendment's text is the complaint decision's, outside the read models), and counts as before.
 * A filed complaint not yet accepted marks nothing: it may still be refused or withdrawn.
 */
export type ComplaintMark = 'under_complaint' | 'upheld' | 'annulled' | 'amended';

/**
 * SQL: the mark of the decision `decisionNo` of stream `streamId` (column expressions), or NULL. An accepted
 * complaint wins over a resolved one (a new complaint after an upheld one); among resolved ones the latest decides.
 */
export function complaintMarkSql(streamId: string, decisionNo: string, schema = DEFAULT_SCHEMA): string {
  return `(SELECT CASE WHEN c.state = 'accepted' THEN 'under_complaint' ELSE c.state END
             FROM ${q(schema)}.complaints c
            WHERE c.target_stream_id = ${streamId} AND c.target_decision_no = ${decisionNo}
              AND c.state IN ('accepted', 'upheld', 'annulled', 'amended')
            ORDER BY c.state = 'accepted' DESC, c.decided_on DESC NULLS LAST, c.stream_id DESC LIMIT 1)`;
}

/** SQL: the decision `decisionNo` of stream `streamId` was annulled by a complaint decision. */
export function annulledSql(streamId: string, decisionNo: string, schema = DEFAULT_SCHEMA): string {
  return `EXISTS (SELECT 1 FROM ${q(schema)}.complaints c WHERE c.target_stream_id = ${streamId}
                     AND c.target_decision_no = ${decisionNo} AND c.state = 'annulled')`;
}

/**
 * SQL: the complaint that marks the dossier `streamId` now, as JSON `{ dossierId, state, decisionNo, decidedOn }`
 * (`state` as in `ComplaintMark`), or NULL when none has been accepted.
 */
export function dossierComplaintSql(streamId: string, schema = DEFAULT_SCHEMA): string {
  return `(SELECT jsonb_build_object('dossierId', substr(c.stream_id, 9),
                    'state', CASE WHEN c.state = 'accepted' THEN 'under_complaint' ELSE c.state END,
                    'decisionNo', c.decision_no, 'decidedOn', c.decided_on, 'acceptedOn', c.accepted_on)
             FROM ${q(schema)}.complaints c
            WHERE c.target_stream_id = ${streamId}::text AND c.state IN ('accepted', 'upheld', 'annulled', 'amended')
            ORDER BY c.state = 'accepted' DESC, c.decided_on DESC NULLS LAST, c.stream_id DESC LIMIT 1)`;
}

/** The complaint that marks dossier stream `streamId` now (see `dossierComplaintSql`), or null. Not scoped. */
export async function queryDossierComplaint(
  sql: SqlClient,
  streamId: string,
  schema = DEFAULT_SCHEMA,
): Promise<DossierComplaint | null> {
  const { rows } = await sql.query<{ complaint: DossierComplaint | null }>(
    `SELECT ${dossierComplaintSql('$1', schema)} AS complaint`,
    [streamId],
  );
  return rows[0]?.complaint ?? null;
}
