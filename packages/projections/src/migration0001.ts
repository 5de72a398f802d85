/**
 * Migration 0001, frozen: the read-model schema as it is created on a new database. Never edit this text (a test
 * checks its hash, `migrations.int.test.ts`): a new table or column is a new migration in its read model's module.
 */
import { q } from './projection.js';

export function readModels0001(schema: string): string {
  const s = q(schema);
  return `CREATE SCHEMA IF NOT EXISTS ${s};
CREATE TABLE IF NOT EXISTS ${s}.checkpoints (stream_id text PRIMARY KEY, revision bigint NOT NULL,
       view jsonb);
CREATE TABLE IF NOT EXISTS ${s}.parked_streams (stream_id text PRIMARY KEY, revision bigint,
       error_code text NOT NULL, message text NOT NULL, parked_at text NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.dispatcher_state (name text PRIMARY KEY, handed_on bigint NOT NULL,
       confirmed bigint NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.dossiers (stream_id text PRIMARY KEY, kind text NOT NULL, tier text, unit_code text NOT NULL, commune_code text NOT NULL,
   district_code text, province_code text NOT NULL, year int, status text NOT NULL, step text NOT NULL,
   step_since text NOT NULL, workflow_id text, workflow_version int, revision bigint NOT NULL,
   criteria_met int NOT NULL, criteria_recorded int NOT NULL, opened_at text NOT NULL, updated_at text NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.inbox (stream_id text NOT NULL, role text NOT NULL, unit_code text NOT NULL, step text NOT NULL,
   waiting_since text NOT NULL, kind text NOT NULL, dossier_unit_code text NOT NULL, province_code text NOT NULL,
   active_from text, active_to text, PRIMARY KEY (stream_id, role, unit_code));
CREATE TABLE IF NOT EXISTS ${s}.unit_recognition (stream_id text NOT NULL, revision bigint NOT NULL, unit_code text NOT NULL, kind text NOT NULL,
   commune_code text NOT NULL, district_code text, province_code text NOT NULL, tier text NOT NULL,
   outcome text NOT NULL, decision_no text, decided_on text NOT NULL, year int NOT NULL,
   criteria_met int NOT NULL, PRIMARY KEY (stream_id, revision));
CREATE TABLE IF NOT EXISTS ${s}.deadlines (stream_id text NOT NULL, deadline_id text NOT NULL, step text NOT NULL, due_at text NOT NULL,
   scheduled_at text NOT NULL, state text NOT NULL, role text, unit_code text, province_code text NOT NULL,
   PRIMARY KEY (stream_id, deadline_id));
CREATE INDEX IF NOT EXISTS inbox_by_role ON ${s}.inbox (role, unit_code, waiting_since);
CREATE INDEX IF NOT EXISTS dossiers_by_unit ON ${s}.dossiers (province_code, district_code, commune_code);
CREATE INDEX IF NOT EXISTS recognition_by_unit ON ${s}.unit_recognition (unit_code, decided_on);
CREATE INDEX IF NOT EXISTS deadlines_open ON ${s}.deadlines (state, due_at)`;
}
