import { describe, expect, it } from 'vitest';
import { sampleDossierEvents } from '@ntm/testing';
import type { RecordedEvent } from '@ntm/event-store';
import {
  evolveView,
  evolveViewInPlace,
  ProjectionError,
  deadlineActor,
  nextActors,
  statusOf,
  type DossierView,
} from './index.js';

const at = (i: number) => new Date(Date.UTC(2025, 6, 1) + i * 60_000).toISOString();

function recorded(streamId: string, events: ReturnType<typeof sampleDossierEvents>): RecordedEvent[] {
  return events.map((e, i) => ({
    ...e,
    streamId,
    revision: BigInt(i),
    position: BigInt(i + 1),
    recordedAt: e.metadata.occurredAt,
    prevHash: '0',
    hash: '0',
  }));
}

function catching(fn: () => unknown): ProjectionError | undefined {
  try {
    fn();
  } catch (e) {
    return e as ProjectionError;
  }
  return undefined;
}

const fold = (events: RecordedEvent[]) => events.reduce<DossierView | undefined>(evolveView, undefined)!;

describe('evolveView', () => {
  const history = recorded(
    'dossier-v1',
    sampleDossierEvents({ id: 'v1', communeCode: '01864', districtCode: '064', year: 2025 }, at),
  );
  const revoked: RecordedEvent = {
    ...history.at(-1)!,
    type: 'RecognitionRevoked',
    revision: BigInt(history.length),
    data: {
      outcome: 'revoke',
      decisionNo: 'R1/QĐ-UBND',
      decidedOn: '2026-03-01',
      tier: 'ntm',
      by: { id: 'ct', role: 'provincial_chairman' },
    },
    metadata: { ...history.at(-1)!.metadata, toState: 'revoked' },
  };

  it('follows the steps to the recognition and remembers the decision', () => {
    const view = fold(history);
    expect(statusOf(view)).toBe('recognised');
    expect(view.recognitions).toEqual([
      expect.objectContaining({
        unitCode: '01864',
        tier: 'ntm',
        outcome: 'recognised',
        decisionNo: 'v1/QĐ-UBND',
        year: 2025,
      }),
    ]);
    expect(view.deadlines.map((d) => d.state)).toEqual(['met']);
    // Recognised, not yet announced: under the 2022 procedure the district announces (law-findings §1.10).
    expect(
      nextActors(view)
        .filter((e) => e.from === null)
        .map((e) => e.role),
    ).toEqual(['district_chairman']);
  });

  it('a revocation removes the recognition', () => {
    const view = fold([...history, revoked]);
    expect(view.recognitions.map((r) => [r.outcome, r.year])).toEqual([
      ['recognised', 2025],
      ['revoked', 2026],
    ]);
    expect(statusOf(view)).toBe('revoked');
  });

  it('reads the rule set and workflow pin from the opening, and who acts from the machine', () => {
    const submitted = fold(history.slice(0, history.findIndex((e) => e.type === 'DeadlineScheduled') + 1));
    expect(submitted).toMatchObject({
      step: 'submitted',
      workflowId: 'commune-ntm',
      workflowVersion: 1,
      ruleSet: { id: 'qd18-2022+qd03-2024', version: 2 },
    });
    expect(submitted.deadlines.map((d) => [d.step, d.state])).toEqual([['submitted', 'open']]);
    expect(deadlineActor(submitted)).toEqual({ role: 'district_verifier', unitCode: '064' });
  });

  it('parks events the contracts do not accept: unknown type, unknown version, malformed data', () => {
    const opened = fold(history.slice(0, 1));
    const next = history[1]!;
    const cases: RecordedEvent[] = [
      { ...next, type: 'SomethingHappened' },
      { ...next, schemaVersion: 7 },
      { ...next, data: { ...next.data, met: 'yes' } },
      { ...next, data: { criterionCode: '1' } },
    ];
    for (const event of cases) {
      const error = catching(() => evolveView(opened, event));
      expect(error).toBeInstanceOf(ProjectionError);
      expect(error?.code).toBe('POISON_EVENT');
      expect(error?.details).toMatchObject({ streamId: 'dossier-v1', revision: '1' });
    }
    // The view it was given is untouched: nothing half-applied.
    expect(opened.criteria).toEqual({});
  });

  it('lifts an older schema version through the upcaster before reading it', () => {
    const opened = fold(history.slice(0, 1));
    const v1: RecordedEvent = {
      ...history[1]!,
      type: 'DocumentAttached',
      schemaVersion: 1,
      data: {
        documentId: 'doc-1',
        documentKind: 'self_assessment_report',
        number: '1/BC-UBND',
        issuedOn: '2025-07-01',
        issuingBody: 'UBND xã',
        signer: { name: 'Nguyễn Văn A', title: 'Chủ tịch' },
        isOriginal: true,
        sha256: 'a'.repeat(64),
      },
    };
    expect(evolveView(opened, v1).revision).toBe('1');
    const error = catching(() => evolveView(opened, { ...v1, schemaVersion: 2 }));
    expect(error?.code).toBe('POISON_EVENT');
  });

  it('refuses an opening without scope, and a stream that does not start with its opening', () => {
    const bad = { ...history[0]!, data: { kind: 'COMMUNE_NTM' } };
    expect(() => evolveView(undefined, bad)).toThrow(ProjectionError);
    const error = catching(() => evolveView(undefined, history[3]!));
    expect(error?.code).toBe('POISON_EVENT');
    expect(error?.deterministic).toBe(true);
  });

  it('folds in place to the same view as the pure fold, and leaves the view as it was on a poison event', () => {
    const all = [...history, revoked];
    for (let n = 1; n <= all.length; n += 1) {
      const pure = fold(all.slice(0, n));
      const inPlace = all.slice(0, n).reduce<DossierView | undefined>(evolveViewInPlace, undefined)!;
      expect(inPlace).toEqual(pure);
    }
    // A decision without a tier on a view that has none: poison, thrown before anything changed.
    const owned = structuredClone(fold(history.slice(0, 1)));
    owned.tier = null;
    const before = structuredClone(owned);
    const decided = history.find((e) => e.type === 'RecognitionDecided')!;
    const { tier: _tier, ...untiered } = decided.data;
    const error = catching(() => evolveViewInPlace(owned, { ...decided, revision: 1n, data: untiered }));
    expect(error?.code).toBe('POISON_EVENT');
    expect(owned).toEqual(before);
  });
});
