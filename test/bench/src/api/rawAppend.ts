/** The raw baselines' unit of work: one single-event append with its expected revision, as a command makes. */
import { randomUUID } from 'node:crypto';
import type { ExpectedRevision, NewEvent } from '@ntm/event-store';
import { TAN_LAP } from '@ntm/testing';
import { BENCH_NOW } from './benchJourneys.js';

const payload = {
  criterionCode: '5',
  met: true,
  indicators: [{ code: '5.1', value: true }],
  evidence: [{ description: 'x'.repeat(200) }],
};

/** A self-assessment-sized event with fresh ids. */
export function rawEvent(): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'SelfAssessmentRecorded',
    schemaVersion: 1,
    data: payload,
    metadata: {
      actor: { id: 'bench', role: 'commune_official', unit: TAN_LAP },
      correlationId: randomUUID(),
      occurredAt: BENCH_NOW,
    },
  };
}

/** The expected revision of a writer's `i`-th append (from 0) to its own stream. */
export const expectedAt = (i: number): ExpectedRevision => (i === 0 ? 'no_stream' : BigInt(i - 1));
