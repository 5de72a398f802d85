/**
 * Decisions name the year recognised ("đạt chuẩn NTM năm 2023"), which can differ from the decision date (decided in
 * 2024) and from the round the dossier was opened for: the event keeps both, and the progress figures count by it.
 */
import { describe, expect, it } from 'vitest';
import { decide } from '@ntm/domain';
import { ACTORS, at } from './fixtures.js';
import { communeJourney, reach } from './journeys.js';

const ntm1 = communeJourney('ntm', 1);
const approved = reach(ntm1, 'councilApproved');
const decideOn = (body: Record<string, unknown>) =>
  decide(
    approved.state,
    {
      type: 'DecideRecognition',
      dossierId: ntm1.dossierId,
      outcome: 'recognise',
      decisionNo: '1021/QĐ-UBND',
      decidedOn: '2024-06-28',
      ...body,
    },
    { now: at('2024-06-28'), actor: ACTORS.provincialChairman },
  );

describe('the year recognised', () => {
  it('defaults to the round the dossier was opened for', () => {
    const result = decideOn({});
    expect(result.ok && result.value[0]?.data).toMatchObject({ year: 2024, decidedOn: '2024-06-28' });
  });

  it('is the year the decision names when it differs, beside the decision date', () => {
    const result = decideOn({ yearRecognised: 2023 });
    expect(result.ok).toBe(true);
    expect(result.ok && result.value[0]).toMatchObject({
      type: 'RecognitionDecided',
      data: { year: 2023, yearRecognised: 2023, decidedOn: '2024-06-28' },
    });
  });

  it('cannot be a year after the decision date', () => {
    const result = decideOn({ yearRecognised: 2025 });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('VALIDATION_FAILED');
  });
});
