import { describe, expect, it } from 'vitest';
import { communeJourney } from './journeys.js';
import { relocate } from './relocate.js';

describe('relocate', () => {
  const steps = relocate(communeJourney('ntm', 2).steps, { '02038': '16756', '19': '40' });

  it('moves the unit fields and the actors, and derived village ids', () => {
    expect(steps[0]!.command).toMatchObject({ unitCode: '16756' });
    expect(steps[0]!.ctx.actor.unit).toBe('16756');
    const tally = steps.find((s) => s.command.type === 'RecordPollTally')!;
    expect(tally.command).toMatchObject({ villageId: '16756-ban-cuon' });
    const decision = steps.find((s) => s.command.type === 'DecideRecognition')!;
    expect(decision.ctx.actor).toMatchObject({ role: 'provincial_chairman', unit: '40' });
  });

  it('leaves criterion codes, dates and numbers alone (criterion 19 is not province 19)', () => {
    const codes = steps
      .filter((s) => s.command.type === 'RecordSelfAssessment')
      .map((s) => (s.command as { criterionCode?: string }).criterionCode);
    expect(codes).toContain('19');
    expect(codes).not.toContain('40');
    expect(steps[0]!.ctx.now).toBe(communeJourney('ntm', 2).steps[0]!.ctx.now);
  });
});
