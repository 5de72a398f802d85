/**
 * Tampering straight in SQL, as an attacker with database access would: the contract suite's way to prove that
 * the hash chain detects an edited, a deleted and a reordered event, and the audit checkpoints' way to prove that
 * a deleted stream, a cut tail and a history rewritten with fresh hashes are caught. For tests of the SQL adapters.
 */
import { GENESIS_HASH, hashEvent, type Json } from '@ntm/event-store';
import type { SqlClient } from '@ntm/sql';

export function sqlTamper(sql: SqlClient, schema: string) {
  const table = `"${schema}".events`;
  return {
    async editData(streamId: string, revision: bigint, data: object) {
      await sql.query(`UPDATE ${table} SET data = $3::jsonb WHERE stream_id = $1 AND revision = $2`, [
        streamId,
        revision.toString(),
        JSON.stringify(data),
      ]);
    },
    async delete(streamId: string, revision: bigint) {
      await sql.query(`DELETE FROM ${table} WHERE stream_id = $1 AND revision = $2`, [
        streamId,
        revision.toString(),
      ]);
    },
    /** Deletes a whole stream. */
    async deleteStream(streamId: string) {
      await sql.query(`DELETE FROM ${table} WHERE stream_id = $1`, [streamId]);
    },
    /** Cuts a stream's tail: deletes its events from `fromRevision` on (what a per-stream chain cannot see). */
    async truncate(streamId: string, fromRevision: bigint) {
      await sql.query(`DELETE FROM ${table} WHERE stream_id = $1 AND revision >= $2`, [
        streamId,
        fromRevision.toString(),
      ]);
    },
    /**
     * Rewrites an event's data and re-hashes the stream from there on, as an attacker who knows the hash chain
     * would: every per-stream check passes afterwards.
     */
    async rewrite(streamId: string, revision: bigint, data: object) {
      await sql.transaction(async (tx) => {
        const { rows } = await tx.query<{
          revision: string;
          event_id: string;
          type: string;
          schema_version: number;
          data: { [key: string]: Json };
          metadata: never;
          prev_hash: string;
        }>(
          `SELECT revision::text AS revision, event_id::text AS event_id, type, schema_version, data, metadata, prev_hash
             FROM ${table} e WHERE stream_id = $1 AND revision >= $2 ORDER BY e.revision`,
          [streamId, revision.toString()],
        );
        let prevHash = rows[0]?.prev_hash ?? GENESIS_HASH;
        for (const row of rows) {
          const rowData = BigInt(row.revision) === revision ? (data as { [key: string]: Json }) : row.data;
          const hash = hashEvent({
            streamId,
            revision: BigInt(row.revision),
            eventId: row.event_id,
            type: row.type,
            schemaVersion: row.schema_version,
            data: rowData,
            metadata: row.metadata,
            prevHash,
          });
          await tx.query(
            `UPDATE ${table} SET data = $3::jsonb, prev_hash = $4, hash = $5 WHERE stream_id = $1 AND revision = $2`,
            [streamId, row.revision, JSON.stringify(rowData), prevHash, hash],
          );
          prevHash = hash;
        }
      });
    },
    async swap(streamId: string, revA: bigint, revB: bigint) {
      await sql.transaction(async (tx) => {
        const move = `UPDATE ${table} SET revision = $3 WHERE stream_id = $1 AND revision = $2`;
        await tx.query(move, [streamId, revA.toString(), '-1']);
        await tx.query(move, [streamId, revB.toString(), revA.toString()]);
        await tx.query(move, [streamId, '-1', revB.toString()]);
      });
    },
  };
}
