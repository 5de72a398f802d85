import { describe, expect, it } from 'vitest';
import { RULE_SETS } from './ruleSets.js';
import { PROCEDURE_RULES, procedureRulesFor, type ProvincialProcedureRules } from './procedureRules.js';
import { WORKFLOWS } from '../../workflows/registry.js';

const OWN: ProvincialProcedureRules = {
  provinceCode: '40',
  effectiveFrom: '2023-01-01',
  effectiveTo: '2025-06-30',
  villageCouncil: { value: true, legalBasis: 'a provincial decision', confirmed: true },
};

describe('procedure rules', () => {
  it('has one entry per rule set', () => {
    expect(PROCEDURE_RULES.map((p) => p.ruleSetId)).toEqual(RULE_SETS.map((r) => r.id));
  });

  it('lets the district announce before the reform (confirmed by practice), the province after (unconfirmed)', () => {
    expect(procedureRulesFor('qd18-2022').announcers.commune).toMatchObject({
      value: ['district_chairman'],
      confirmed: true,
    });
    expect(procedureRulesFor('two-tier-2025').announcers.commune).toMatchObject({
      value: ['provincial_chairman', 'provincial_appraiser'],
      confirmed: false,
    });
  });

  it('matches the announce edge of the workflow each rule set runs with', () => {
    for (const ruleSet of RULE_SETS) {
      const procedure = procedureRulesFor(ruleSet.id);
      for (const wf of WORKFLOWS.filter(
        (w) =>
          w.from <= ruleSet.effectiveFrom &&
          (w.to === undefined || ruleSet.effectiveFrom <= w.to) &&
          ['VILLAGE_NTM', 'COMMUNE_NTM', 'COMMUNE_ADVANCED', 'COMMUNE_MODEL'].includes(w.kind),
      )) {
        const edge = wf.definition.edges.find((e) => e.command === 'AnnounceRecognition');
        const level = wf.kind === 'VILLAGE_NTM' ? 'village' : 'commune';
        expect(edge?.roles, `${ruleSet.id} ${wf.id} v${wf.version}`).toEqual(
          procedure.announcers[level].value,
        );
      }
    }
  });

  it('has no village council nationally, and a province’s own value while its rule is in force', () => {
    expect(procedureRulesFor('qd18-2022').villageCouncil).toMatchObject({ value: false, confirmed: false });
    const own = procedureRulesFor('qd18-2022+qd03-2024', '40', '2024-05-01', [OWN]);
    expect(own).toMatchObject({ provinceCode: '40', villageCouncil: { value: true, confirmed: true } });
    expect(own.announcers).toEqual(procedureRulesFor('qd18-2022+qd03-2024').announcers);
    expect(procedureRulesFor('two-tier-2025', '40', '2025-07-01', [OWN]).villageCouncil.value).toBe(false);
    expect(procedureRulesFor('qd18-2022', '40', '2022-12-31', [OWN]).villageCouncil.value).toBe(false);
    expect(procedureRulesFor('qd18-2022', '42', '2024-05-01', [OWN]).villageCouncil.value).toBe(false);
  });

  it('publishes poll and consultation results from 01/07/2023 (Law on Grassroots Democracy, confirmed)', () => {
    expect(procedureRulesFor('qd18-2022').resultsPublication).toMatchObject({
      value: { from: '2023-07-01', subjects: ['poll', 'consultation'] },
      confirmed: true,
    });
  });

  it('refuses an unknown rule set', () => {
    expect(() => procedureRulesFor('qd2540-2016')).toThrow(/no procedure rules/);
  });
});
