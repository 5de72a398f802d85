/**
 * Model tier (xã NTM kiểu mẫu, QĐ 319): a model dossier is judged against the full advanced set plus the model
 * additions M1..M3, and cannot open its notice or be submitted unless every one of them is self-assessed as met.
 * Dossiers that pinned the earlier additions-only table keep it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  COMMUNE_ADVANCED_2021_2025,
  type DecidedEvent,
  type DossierCommand,
  type FoldableEvent,
} from '@ntm/domain';
import { given } from './spec.js';
import { ACTORS, ACTORS_2025, at } from './fixtures.js';
import { communeJourney, reach, run } from './journeys.js';

const model2 = communeJourney('model', 2);
const id = model2.dossierId;
const advancedCodes = COMMUNE_ADVANCED_2021_2025.criteria.map((c) => c.code);
const official = { now: at('2025-08-02'), actor: ACTORS_2025.communeOfficial };
const cmd = (type: string, body: Record<string, unknown> = {}): DossierCommand => ({
  type,
  dossierId: id,
  ...body,
});
const isSelfAssessment = (code: string) => (e: DecidedEvent) =>
  e.type === 'SelfAssessmentRecorded' && (e.data as { criterionCode: string }).criterionCode === code;

describe('model dossier criteria table', () => {
  it('pins the advanced criteria plus M1..M3 at opening', () => {
    const { state } = reach(model2, 'preparing');
    expect(state.criteriaSetId).toBe('commune-model-2021-2025');
    expect(state.criteriaCodes).toEqual([...advancedCodes, 'M1', 'M2', 'M3']);
  });

  it('refuses the notice while only the model additions are self-assessed', () => {
    const preparing = ['OpenDossier', 'RecordSelfAssessment', 'AttachDocument'];
    const { events: prepared } = run(
      model2.steps.filter(
        (s) =>
          preparing.includes(s.command.type) &&
          (s.command.type !== 'RecordSelfAssessment' || String(s.command.criterionCode).startsWith('M')),
      ),
    );
    const error = given(prepared)
      .when(cmd('OpenPublicNotice', { channel: 'commune_office', from: '2025-08-02' }), official)
      .thenFails('SELF_ASSESSMENT_INCOMPLETE');
    expect(error.params).toMatchObject({ missing: advancedCodes, notMet: [] });
  });

  it('refuses the notice when an advanced criterion is self-assessed as not met', () => {
    const { events } = reach(model2, 'preparing');
    const all = run(
      model2.steps.filter(
        (s) => s.command.type === 'RecordSelfAssessment' || s.command.type === 'AttachDocument',
      ),
      undefined,
      events,
    ).events;
    const notMet = given(all)
      .when(
        cmd('RecordSelfAssessment', {
          criterionCode: '17',
          met: false,
          indicators: [{ code: '17.1', value: false }],
          evidence: [{ description: 'môi trường chưa đạt mức nâng cao' }],
        }),
        official,
      )
      .then([{ type: 'SelfAssessmentRecorded' }]);
    const error = given(notMet.history)
      .when(cmd('OpenPublicNotice', { channel: 'commune_office', from: '2025-08-02' }), official)
      .thenFails('SELF_ASSESSMENT_INCOMPLETE');
    expect(error.params).toMatchObject({ missing: [], notMet: ['17'] });
  });

  it('refuses submission of a history that lacks an advanced criterion (e.g. imported), naming it', () => {
    const { events, now } = reach(model2, 'meetingHeld');
    const lacking = events.filter((e) => !isSelfAssessment('5')(e));
    const error = given(lacking)
      .when(cmd('SubmitDossier', { letterNo: '45/TTr-UBND' }), { ...official, now })
      .thenFails('SELF_ASSESSMENT_INCOMPLETE');
    expect(error.params).toMatchObject({ missing: ['5'] });
    given(events)
      .when(cmd('SubmitDossier', { letterNo: '45/TTr-UBND' }), { ...official, now })
      .then([{ type: 'DossierSubmitted', toState: 'submitted' }, { type: 'DeadlineScheduled' }]);
  });

  it('keeps judging a recorded additions-only dossier by the table it pinned', () => {
    const recorded = JSON.parse(
      readFileSync(new URL('../../domain/src/fixtures/commune-model-v1.json', import.meta.url), 'utf8'),
    ) as { events: FoldableEvent[] };
    const upToSubmission = recorded.events.slice(
      0,
      recorded.events.findIndex((e) => e.type === 'DossierSubmitted'),
    );
    const { state } = given(upToSubmission)
      .when(
        { type: 'SubmitDossier', dossierId: 'commune-model-v1', letterNo: '45/TTr-UBND' },
        { now: at('2024-04-26'), actor: ACTORS.communeOfficial },
      )
      .then([{ type: 'DossierSubmitted', toState: 'submitted' }, { type: 'DeadlineScheduled' }]);
    expect(state.criteriaCodes).toEqual(['M1', 'M2', 'M3']);
  });
});
