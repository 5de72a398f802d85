// What a complaint does to the decision it is about, in the recognition read model (ADR 0026, docs/domain.md):
// Quảng Bạch recognised in 2021, that recognition revoked in 2025, the revocation complained of. While the complaint
// is open the revocation stands (under complaint); once annulled it revokes nothing, so the 2021 recognition holds
// again, and open data no longer lists the revocation. Views from the journeys' own events, written by the
// projections' own statement, on the real PostgreSQL.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  complaintJourney,
  complaintTargetState,
  journeyRecords,
  revocationJourney,
  sampleDossierEvents,
} from '@ntm/testing';
import type { RecordedEvent } from '@ntm/event-store';
import { openPostgresStore, type OpenedPostgresStore } from '@ntm/store-postgres';
import {
  evolveView,
  highestHeld,
  migrateReadModels,
  queryHighestHeld,
  queryOpenRecognitions,
  queryUnitRecognition,
  writeStreams,
  type DossierView,
} from './index.js';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `cp${randomBytes(4).toString('hex')}_rm`;
const QUANG_BACH = '02038';
let opened: OpenedPostgresStore;

const fold = (events: readonly RecordedEvent[]) =>
  events.reduce<DossierView | undefined>(evolveView, undefined)!;

// The 2021 recognition, as a stored history would have it (its events' ids and times are the sample's).
const recognition = fold(
  sampleDossierEvents({ id: 'qb-2021', communeCode: QUANG_BACH, districtCode: '061', year: 2021 }, (k) =>
    new Date(Date.UTC(2021, 5, 1) + k * 86_400_000).toISOString(),
  ).map(
    (e, revision): RecordedEvent =>
      ({
        ...e,
        streamId: 'dossier-qb-2021',
        revision: BigInt(revision),
        position: BigInt(revision + 1),
        recordedAt: e.metadata.occurredAt,
        // The read models never check the chain (the command side does): any hashes will do here.
        hash: `h${revision}`,
        previousHash: `h${revision - 1}`,
      }) as unknown as RecordedEvent,
  ),
);
const target = complaintTargetState();
const revocation = fold(journeyRecords(`dossier-${target.id}`, revocationJourney(2).steps));
const complaint = complaintJourney();
const [filing, acceptance, annulment] = complaint.steps;
const complaintAfter = (steps: typeof complaint.steps) =>
  fold(journeyRecords(`dossier-${complaint.dossierId}`, steps));

beforeAll(async () => {
  opened = await openPostgresStore({ connectionString: DATABASE_URL, schema: `${schema}_events` });
  await migrateReadModels(opened.sql, schema);
  await writeStreams(opened.sql, schema, [recognition, revocation]);
});
afterAll(async () => {
  for (const s of [schema, `${schema}_events`])
    await opened.sql.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await opened.close();
});

const history = async () => {
  const answer = await queryUnitRecognition(opened.sql, QUANG_BACH, {}, schema);
  // The openings' query of several units at once (ADR 0060) says what this one says, and null for a unit with
  // nothing on record.
  const held = await queryHighestHeld(opened.sql, ['02044', QUANG_BACH], schema);
  expect(held).toEqual(
    new Map([
      ['02044', null],
      [QUANG_BACH, highestHeld(answer.current)],
    ]),
  );
  return answer;
};
const openRevocations = async () =>
  (await queryOpenRecognitions(opened.sql, {}, schema)).recognitions.filter((r) => r.outcome === 'revoked');

describe('a complaint against a revocation', () => {
  it('revoked: no tier held, the revocation published', async () => {
    const { history: rows, current } = await history();
    expect(rows.map((r) => [r.outcome, r.complaint])).toEqual([
      ['recognised', null],
      ['revoked', null],
    ]);
    expect(current['ntm']).toBeNull();
    expect(await openRevocations()).toHaveLength(1);
  });

  it('accepted: the revocation is under complaint and still stands', async () => {
    await writeStreams(opened.sql, schema, [complaintAfter([filing!, acceptance!])]);
    const { history: rows, current } = await history();
    expect(rows.map((r) => r.complaint)).toEqual([null, 'under_complaint']);
    expect(current['ntm']).toBeNull();
    expect(await openRevocations()).toEqual([expect.objectContaining({ underComplaint: true })]);
  });

  it('annulled: the revocation revokes nothing, the 2021 recognition holds again, open data drops it', async () => {
    await writeStreams(opened.sql, schema, [complaintAfter([filing!, acceptance!, annulment!])]);
    const { history: rows, current } = await history();
    expect(rows.map((r) => r.complaint)).toEqual([null, 'annulled']);
    expect(current['ntm']).toMatchObject({ outcome: 'recognised', stream_id: 'dossier-qb-2021' });
    expect(await openRevocations()).toEqual([]);
  });

  it('upheld instead: the revocation stands', async () => {
    await writeStreams(opened.sql, schema, [
      complaintAfter([filing!, acceptance!, complaint.detours['upheld']!.step]),
    ]);
    const { history: rows, current } = await history();
    expect(rows.map((r) => r.complaint)).toEqual([null, 'upheld']);
    expect(current['ntm']).toBeNull();
    expect(await openRevocations()).toEqual([expect.objectContaining({ underComplaint: false })]);
  });
});
