/**
 * replay:check's and what-if's cores over a generated corpus: every journey of every workflow kind and version, as
 * the store records them (hash-chained, with each step's actor and instant), and the committed replay fixtures.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULE_SETS, WORKFLOWS, type FoldableEvent } from '@ntm/domain';
import { chainEvents, GENESIS_HASH, type RecordedEvent } from '@ntm/event-store';
import { allJourneys, communeJourney, journeyRecords, type JourneyStep } from '@ntm/testing';
import { eventLine } from './format.js';
import {
  checkPublishedVersions,
  currentVersions,
  readPublishedVersions,
  withNewVersions,
} from './publishedVersions.js';
import { checkStream } from './replayCheck.js';
import { whatIf, whatIfCsv } from './whatIf.js';

/** A journey's records with their real hash chain, as a store would hold them. */
function stored(streamId: string, steps: readonly JourneyStep[]): RecordedEvent[] {
  const records = journeyRecords(streamId, steps, { dossierCode: 'H06-240315-0001' });
  return chainEvents(streamId, 0n, GENESIS_HASH, records).map((e, i) => ({
    ...e,
    position: BigInt(i + 1),
    recordedAt: records[i]!.recordedAt,
  }));
}

const published = readPublishedVersions();

describe('replay:check', () => {
  const corpus = allJourneys().map((j) => ({
    name: j.name,
    events: stored(`dossier-${j.dossierId}`, j.steps),
  }));

  it('replays a generated dossier of every kind and version without a failure', () => {
    const pins = new Set(
      corpus.map((c) => JSON.stringify((c.events[0]!.data as { workflow: unknown }).workflow)),
    );
    expect(pins.size).toBe(WORKFLOWS.length);
    for (const c of corpus) expect(checkStream(c.events, c.events[0]!.streamId), c.name).toEqual([]);
  });

  it('replays the committed fixtures (older shapes and envelopes) under their pinned versions', () => {
    const dir = new URL('../../domain/src/fixtures/', import.meta.url);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      const { events } = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as { events: FoldableEvent[] };
      const streamId = `dossier-${file}`;
      const news = events.map((e, i) => ({
        eventId: `${file}-${i}`,
        type: e.type,
        schemaVersion: e.schemaVersion,
        data: e.data as RecordedEvent['data'],
        metadata: {
          actor: { id: 'a', role: 'commune_official', unit: '01849' },
          correlationId: 'c',
          occurredAt: '2024-01-01T00:00:00.000Z',
          fromState: e.fromState ?? e.metadata?.fromState,
          toState: e.toState ?? e.metadata?.toState,
        },
      }));
      const chained = chainEvents(streamId, 0n, GENESIS_HASH, news).map((e, i) => ({
        ...e,
        position: BigInt(i + 1),
        recordedAt: '2024-01-01T00:00:00.000Z',
      }));
      expect(checkStream(chained, streamId), file).toEqual([]);
    }
  });

  it('names an event whose recorded transition the machine would not produce, even re-hashed', () => {
    const { events } = corpus.find((c) => c.name.startsWith('commune'))!;
    const at = events.findIndex((e) => e.type === 'VerificationRecorded');
    const forged = events.map((e, i) =>
      i === at ? { ...e, metadata: { ...e.metadata, toState: 'decided' } } : e,
    );
    const rehashed = chainEvents(events[0]!.streamId, 0n, GENESIS_HASH, forged).map((e, i) => ({
      ...e,
      position: BigInt(i + 1),
      recordedAt: events[i]!.recordedAt,
    }));
    const failures = checkStream(rehashed, events[0]!.streamId);
    expect(failures).toEqual([
      expect.objectContaining({ check: 'replay', revision: at, streamId: events[0]!.streamId }),
    ]);
    expect(failures[0]!.message).toMatch(/VerificationRecorded/);
    // Not re-hashed: the edit is named as a hash failure too.
    expect(checkStream(forged, events[0]!.streamId).map((f) => f.check)).toEqual(['hashes', 'replay']);
  });

  it('the committed published versions are the code’s', () => {
    expect(checkPublishedVersions(published)).toEqual([]);
    expect(withNewVersions(published)).toEqual(published);
  });

  it('fails when a published workflow version is edited or removed, or a rule set’s figure changed', () => {
    const [first, ...rest] = WORKFLOWS;
    const edited = {
      ...first!,
      definition: { ...first!.definition, edges: first!.definition.edges.slice(1) },
    };
    const failures = checkPublishedVersions(published, currentVersions([edited, ...rest.slice(1)]));
    expect(failures.map((f) => [f.kind, f.version])).toEqual([
      ['workflow', `${first!.id} v${first!.version}`],
      ['workflow', `${rest[0]!.id} v${rest[0]!.version}`],
    ]);
    expect(failures[0]!.message).toMatch(/edited/);
    expect(failures[1]!.message).toMatch(/gone/);

    const [rules, ...otherRules] = RULE_SETS;
    const { ntm } = rules!.poll.passShare;
    const figure = {
      ...rules!,
      poll: {
        ...rules!.poll,
        passShare: { ...rules!.poll.passShare, ntm: { ...ntm, value: { share: 0.85, inclusive: true } } },
      },
    };
    const confirmed = {
      ...rules!,
      poll: {
        ...rules!.poll,
        passShare: { ...rules!.poll.passShare, ntm: { ...ntm, confirmed: true, note: 'read' } },
      },
    };
    expect(checkPublishedVersions(published, currentVersions(WORKFLOWS, [figure, ...otherRules]))).toEqual([
      expect.objectContaining({ kind: 'rule-set', version: `${rules!.id} v${rules!.version}` }),
    ]);
    expect(checkPublishedVersions(published, currentVersions(WORKFLOWS, [confirmed, ...otherRules]))).toEqual(
      [],
    );
  });
});

describe('what-if replay', () => {
  /** Commune NTM dossiers whose second village had `satisfied` of 70 respondents (the first: 105 of 110). */
  const corpus = [1, 2].flatMap((version) =>
    [57, 62, 65, 66, 68, 70].map((satisfied) => {
      const journey = communeJourney('ntm', version as 1 | 2);
      const steps = journey.steps.map((s) =>
        s.command.type === 'RecordPollTally' && s.command['respondents'] === 70
          ? { ...s, command: { ...s.command, satisfied } }
          : s,
      );
      return {
        version,
        satisfied,
        events: stored(`dossier-wi-${version}-${satisfied}`, steps).map(eventLine),
      };
    }),
  );
  const passMark = (share: number) => ({
    id: 'draft-poll',
    version: 1,
    poll: { passShare: { ntm: { value: { share, inclusive: true } } } },
  });

  it('under the pinned figures nothing differs', () => {
    const results = corpus.map((c) => whatIf(c.events, {}));
    expect(results.map((r) => r.status)).toEqual(corpus.map(() => 'same'));
    expect(results.map((r) => r.recordedStep)).toEqual(corpus.map(() => 'announced'));
  });

  it('a 95% pass mark refuses exactly the polls below 171 of 180, at the poll report', () => {
    const results = corpus.map((c) => whatIf(c.events, passMark(0.95)));
    corpus.forEach((c, i) => {
      const r = results[i]!;
      if (105 + c.satisfied >= 171) expect(r.status, `${c.satisfied}`).toBe('same');
      else {
        expect(r.status, `${c.satisfied}`).toBe('differs');
        expect(r.at).toMatchObject({
          eventType: 'PollReportIssued',
          command: 'IssuePollReport',
          proposed: 'refused POLL_BELOW_PASS_MARK',
        });
        expect(r.at!.revision).toBe(c.events.findIndex((e) => e.type === 'PollReportIssued'));
      }
    });
    expect(results.filter((r) => r.status === 'differs')).toHaveLength(2 * 3);
    const csv = whatIfCsv(results).split('\r\n');
    expect(csv[0]).toBe(
      'dossier,kind,rule_set,recorded_step,status,revision,event,command,recorded,proposed,message',
    );
    expect(csv.filter((l) => l.includes(',differs,'))).toHaveLength(6);
  });

  it('a lower pass mark changes nothing', () => {
    expect(corpus.every((c) => whatIf(c.events, passMark(0.8)).status === 'same')).toBe(true);
  });
});
