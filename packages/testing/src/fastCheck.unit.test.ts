/**
 * The compiled fast check of each event type (`@ntm/contracts` fastCheck.ts) may only say yes where zod says yes
 * and returns the same value: checked on every event the scripted journeys decide and on thousands of variants of
 * them (a field removed, replaced by a value of another shape, untrimmed, too long, an unknown key added). The
 * same for the command bodies the journeys send (the API's validation and the decider's check use it, ADR 0047).
 */
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  COMMAND_SPECS,
  compileFastCheck,
  EVENT_SCHEMAS,
  parseEventData,
  quickSafeParse,
  type EventType,
} from '@ntm/contracts';
import { allJourneys, reach, run } from './journeys.js';

const by = { id: 'u-7', role: 'district_officer', onBehalfOf: 'district-064' };
const sha = 'ab'.repeat(32);
/** Events of the types the journeys do not decide, written by hand. */
const written: { type: EventType; data: Record<string, unknown> }[] = [
  {
    type: 'DocumentFileAttached',
    data: {
      documentId: 'doc-1',
      documentKind: 'photos',
      sha256: sha,
      size: 1024,
      mediaType: 'image/png',
      version: 2,
      dossierVersion: 1,
    },
  },
  { type: 'DeadlineElapsed', data: { deadlineId: 'd-1', dueOn: '2024-05-02', elapsedOn: '2024-05-03' } },
  {
    type: 'DeadlineResumed',
    data: {
      deadlineId: 'd-1',
      step: 'verification',
      startedOn: '2024-04-01',
      suspendedOn: '2024-04-10',
      resumedOn: '2024-04-20',
      remainingWorkingDays: 5,
      dueOn: '2024-04-27',
      calendarUnconfirmedYears: [2024],
    },
  },
  {
    type: 'DeadlineExtended',
    data: {
      deadlineId: 'd-1',
      workingDays: 10,
      reason: 'the site visit needs more time',
      decisionNo: '12/QĐ-UBND',
      step: 'appraisal',
      previousDueOn: '2024-05-02',
      dueOn: '2024-05-16',
      grantedBy: by,
    },
  },
  {
    type: 'ApologyIssued',
    data: {
      deadlineId: 'd-1',
      newReturnOn: '2024-05-20',
      reason: 'late',
      letterNo: '3/PXL',
      step: 'decision',
      missedDueOn: '2024-05-02',
      newDeadlineId: 'd-2',
      by,
    },
  },
  {
    type: 'DossierResubmitted',
    data: { letterNo: '45/TTr-UBND', changes: 'criterion 17 redone', dossierVersion: 2, by },
  },
  { type: 'CouncilVoteCast', data: { ballotNo: 'B-1', vote: 'approve', reasonSha256: sha, by } },
  { type: 'CouncilMemberRecused', data: { ballotNo: 'B-1', reasonSha256: sha, by } },
  {
    type: 'CouncilBallotClosed',
    data: {
      ballotNo: 'B-1',
      heldOn: '2024-05-28',
      closedOn: '2024-05-29',
      result: 'approved',
      membersTotal: 3,
      voterIds: ['a', 'b'],
      recusedMemberIds: [],
      absentMemberIds: ['c'],
      for: 2,
      against: 0,
      blank: 0,
      quorum: { share: 0.5, inclusive: true },
      approvalShare: { share: 0.5, inclusive: false },
      quorumMet: true,
      by,
    },
  },
  {
    type: 'ResultsPublished',
    data: {
      subject: 'poll',
      publishedOn: '2024-05-02',
      channel: 'loudspeaker',
      legalBasis: 'Art. 11(11)',
      by,
    },
  },
];

const samples = [
  ...allJourneys().flatMap((journey) => [
    ...run(journey.steps).events,
    ...Object.keys(journey.detours).flatMap((d) => reach(journey, d).events),
  ]),
  ...written,
];

const ODD_VALUES: unknown[] = [
  undefined,
  null,
  '',
  ' ',
  ' padded ',
  'x'.repeat(5000),
  'nul\u0000',
  'lone \uD800',
  'emoji \uD83D\uDE00',
  '2024-02-30',
  '2024-02-29',
  '02032',
  0,
  -1,
  1.5,
  2 ** 53,
  Number.NaN,
  true,
  [],
  ['x'],
  {},
];

/** Every variant of `value` with one change at one place. */
function* variants(value: unknown): Generator<unknown> {
  for (const odd of ODD_VALUES) yield odd;
  if (typeof value === 'string') yield ` ${value}`;
  if (Array.isArray(value)) {
    const list = value as unknown[];
    if (list.length > 0) yield [...list, list[0]];
    for (let i = 0; i < list.length; i++)
      for (const v of variants(list[i])) yield list.map((item, j) => (j === i ? v : item));
  } else if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    yield { ...record, unexpected: 'x' };
    for (const key of Object.keys(record)) {
      const { [key]: _removed, ...rest } = record;
      yield rest;
      for (const v of variants(record[key])) yield { ...record, [key]: v };
    }
  }
}

/** A schema as both checks take it. */
type Schema = Parameters<typeof compileFastCheck>[0] & {
  safeParse(data: unknown): { success: boolean; data?: unknown };
};

/** The fast check's yes, if it says one, must be zod's yes with an equal value. */
function agreesWith(schema: Schema, data: unknown): { fast: boolean; ok: boolean } {
  const fast = compileFastCheck(schema)?.(data) ?? false;
  if (!fast) return { fast, ok: true };
  const parsed = schema.safeParse(data);
  return { fast, ok: parsed.success && isDeepStrictEqual(parsed.data, data) };
}

const agrees = (type: EventType, data: unknown) => agreesWith(EVENT_SCHEMAS[type].schema, data);

/**
 * Every variant of one sample per type and shape (that keeps the run short) through both checks; fails at the first
 * yes of the fast check that zod does not give with an equal value.
 */
function checkVariants(list: readonly { type: string; schema: Schema; data: Record<string, unknown> }[]) {
  let variantsChecked = 0;
  let fastYes = 0;
  const seen = new Set<string>();
  for (const { type, schema, data } of list) {
    const key = `${type}:${JSON.stringify(Object.keys(data))}`;
    if (seen.has(key)) continue;
    seen.add(key);
    for (const variant of variants(data)) {
      const { fast, ok } = agreesWith(schema, variant);
      if (!ok) expect.fail(`${type}: the fast check accepted ${JSON.stringify(variant)}, zod did not`);
      variantsChecked += 1;
      if (fast) fastYes += 1;
    }
  }
  return { variantsChecked, fastYes };
}

describe('the compiled fast check of event data', () => {
  it('exists for every event type whose schema it understands', () => {
    const without = Object.entries(EVENT_SCHEMAS)
      .filter(([, { schema }]) => compileFastCheck(schema) === undefined)
      .map(([type]) => type);
    // DecisionSigned's signedAt is an ISO date-time: a format with more than a pattern, left to zod.
    expect(without).toEqual(['DecisionSigned']);
  });

  it('says yes to the events the journeys decide (zod accepts them as they are)', () => {
    const types = new Set(samples.map((e) => e.type));
    // every type but DecisionSigned (its signedAt is an ISO date-time, a format left to zod)
    expect(Object.keys(EVENT_SCHEMAS).filter((t) => !types.has(t))).toEqual(['DecisionSigned']);
    let yes = 0;
    for (const e of samples) {
      const { fast, ok } = agrees(e.type as EventType, e.data);
      expect(ok, e.type).toBe(true);
      if (fast) yes += 1;
    }
    expect(yes).toBeGreaterThan(samples.length * 0.9);
  });

  it('never says yes where zod says no or returns another value (every variant of every sample)', () => {
    const { variantsChecked, fastYes } = checkVariants(
      samples.map((e) => ({ type: e.type, schema: EVENT_SCHEMAS[e.type as EventType].schema, data: e.data })),
    );
    expect(variantsChecked).toBeGreaterThan(10_000);
    expect(fastYes).toBeGreaterThan(0);
  });

  it('leaves to zod what zod would change or refuse: its verdict, issues and parsed value stand', () => {
    const data = { deadlineId: 'd-1', dueOn: '2024-05-02', elapsedOn: '2024-05-03' };
    expect(parseEventData('DeadlineElapsed', data)).toEqual({ success: true, data });
    const padded = parseEventData('DeadlineElapsed', { ...data, deadlineId: ' d-1 ' });
    expect(padded).toEqual({ success: true, data }); // zod's trim, not the input
    const extra = parseEventData('DeadlineElapsed', { ...data, extra: 1 });
    expect(extra).toEqual({ success: true, data }); // zod strips the unknown key
    const wrong = parseEventData('DeadlineElapsed', { ...data, dueOn: '2024-02-30' });
    expect(wrong.success).toBe(false);
    if (!wrong.success) expect(wrong.error.issues[0]!.path).toEqual(['dueOn']);
    const submitted = samples.find((e) => e.type === 'DossierSubmitted')!.data as { by: { role: string } };
    const check = compileFastCheck(EVENT_SCHEMAS.DossierSubmitted.schema)!;
    expect(check(submitted)).toBe(true);
    expect(check({ ...submitted, by: { ...submitted.by, role: `${submitted.by.role} ` } })).toBe(false);
  });
});

/** The command bodies the journeys send (main paths and detours), without `type` and `dossierId`. */
const commandSamples = allJourneys().flatMap((journey) =>
  [...journey.steps, ...Object.values(journey.detours).map((d) => d.step)].map(({ command }) => {
    const { type, dossierId: _dossierId, ...body } = command as { type: string; dossierId?: string };
    return { type, body: body };
  }),
);

const commandSchema = (type: string) => COMMAND_SPECS.find((s) => s.type === type)!.schema;

describe('the compiled fast check of command bodies', () => {
  it('says yes to most of the bodies the journeys send (zod accepts them as they are)', () => {
    let yes = 0;
    for (const { type, body } of commandSamples) {
      const { fast, ok } = agreesWith(commandSchema(type), body);
      expect(ok, type).toBe(true);
      if (fast) yes += 1;
    }
    // the self-assessments and documents, most of a journey, have a fast check
    expect(yes).toBeGreaterThan(commandSamples.length * 0.5);
  });

  it('never says yes where zod says no or returns another value (every variant of every body)', () => {
    const { variantsChecked, fastYes } = checkVariants(
      commandSamples.map(({ type, body }) => ({ type, schema: commandSchema(type), data: body })),
    );
    expect(variantsChecked).toBeGreaterThan(2_000);
    expect(fastYes).toBeGreaterThan(0);
  });

  it('quickSafeParse leaves to zod what zod would change or refuse', () => {
    const sample = commandSamples.find((c) => compileFastCheck(commandSchema(c.type)) !== undefined)!;
    const schema = commandSchema(sample.type);
    expect(quickSafeParse(schema, sample.body)).toEqual({ success: true, data: sample.body });
    const extra = quickSafeParse(schema, { ...sample.body, unexpected: 'x' });
    expect(extra).toEqual(schema.safeParse({ ...sample.body, unexpected: 'x' }));
    expect(extra.success).toBe(false); // command schemas are strict: an unknown field is refused, never dropped
  });
});
