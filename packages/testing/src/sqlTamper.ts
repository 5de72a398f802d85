/**
 * Tampering straight in SQL, as an attacker with database access would: the contract suite's way to prove that
 * the hash chain detects an edited, a deleted and a reordered event. For tests of the SQL adapters only.
 */
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
