import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '@ntm/event-store';
import {
  evolveView,
  ProjectionError,
  nextActor,
  sampleDossierEvents,
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

const fold = (events: RecordedEvent[]) => events.reduce<DossierView | undefined>(evolveView, undefined)!;

describe('evolveView', () => {
  const history = recorded(
    'dossier-v1',
    sampleDossierEvents({ id: 'v1', communeCode: '01864', districtCode: '064', year: 2025 }, at),
  );

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
    expect(nextActor(view)).toBeNull();
  });

  it('a revocation removes the recognition', () => {
    const revoked: RecordedEvent = {
      ...history.at(-1)!,
      type: 'RecognitionRevoked',
      revision: BigInt(history.length),
      data: { tier: 'ntm', decisionNo: 'R1', decisionDate: '2026-03-01' },
      metadata: { ...history.at(-1)!.metadata, toState: 'revoked' },
    };
    const view = fold([...history, revoked]);
    expect(view.recognitions.map((r) => r.outcome)).toEqual(['recognised', 'revoked']);
    expect(statusOf(view)).toBe('revoked');
  });

  it('routes each stage to the office that acts, and verification to the province without a district', () => {
    const atStep = (step: string, patch: Partial<DossierView> = {}) => ({
      ...fold(history.slice(0, 1)),
      step,
      ...patch,
    });
    expect(nextActor(atStep('preparing'))).toEqual({ role: 'commune_official', unitCode: '01864' });
    expect(nextActor(atStep('poll'))).toEqual({ role: 'front_officer', unitCode: '01864' });
    expect(nextActor(atStep('district_verification'))).toEqual({
      role: 'district_verifier',
      unitCode: '064',
    });
    expect(nextActor(atStep('verification', { workflowVersion: 2 }))).toEqual({
      role: 'provincial_appraiser',
      unitCode: '06',
    });
    expect(nextActor(atStep('council_meeting'))).toEqual({ role: 'council_secretary', unitCode: '06' });
    expect(nextActor(atStep('awaiting_decision'))).toEqual({ role: 'provincial_chairman', unitCode: '06' });
  });

  it('refuses an opening without scope, and a stream that does not start with its opening', () => {
    const bad = { ...history[0]!, data: { kind: 'COMMUNE_NTM' } };
    expect(() => evolveView(undefined, bad)).toThrow(ProjectionError);
    const error = (() => {
      try {
        evolveView(undefined, history[3]!);
      } catch (e) {
        return e as ProjectionError;
      }
    })();
    expect(error?.code).toBe('POISON_EVENT');
    expect(error?.deterministic).toBe(true);
  });
});
