import { describe, expect, it } from 'vitest';
import { RULE_SETS } from './ruleSets.js';
import { ruleSetById } from './ruleSetAt.js';
import { DOSSIER_KINDS } from '../../model.js';

describe('RULE_SETS', () => {
  const [v1, v2, v3] = [
    ruleSetById('qd18-2022', 1),
    ruleSetById('qd18-2022+qd03-2024', 2),
    ruleSetById('two-tier-2025', 3),
  ];

  it('versions the security condition with QĐ 03/2024', () => {
    expect(v1.securityCondition).toMatchObject({ value: 'not_complex_area', confirmed: true });
    expect(v2.securityCondition).toMatchObject({ value: 'safe_for_security_and_order', confirmed: true });
    expect(v3.securityCondition.value).toBe('safe_for_security_and_order');
  });

  it('marks the revocation grounds unconfirmed after the amendment', () => {
    expect(v1.revocation.confirmed).toBe(true);
    expect(v2.revocation.confirmed).toBe(false);
    expect(v2.revocation.note).toMatch(/QĐ 03\/2024/);
  });

  it('moves verification to the province and village decisions to the commune chairman in 2025, unconfirmed', () => {
    expect([v1.verifier.value, v2.verifier.value, v3.verifier.value]).toEqual([
      'district',
      'district',
      'province',
    ]);
    expect(v1.decider.VILLAGE_NTM.value).toBe('district_chairman');
    expect(v3.decider.VILLAGE_NTM).toMatchObject({ value: 'commune_chairman', confirmed: false });
  });

  it('has the domain brief defaults, confirmed only where a source confirms them', () => {
    for (const r of RULE_SETS) {
      expect(r.notice.villageDays).toMatchObject({ value: 10, confirmed: false });
      expect(r.notice.communeDays).toMatchObject({ value: 15, confirmed: false });
      expect(r.deadlines.verificationWorkingDays.value).toBe(15);
      expect(r.deadlines.appraisalWorkingDays.value).toBe(20);
      expect(r.deadlines.incompleteNoticeWorkingDays.value).toBe(5);
      expect(r.deadlines.decisionWorkingDays.value).toBe(5);
      expect(r.poll.passShare.ntm.value).toEqual({ share: 0.9, inclusive: true });
      expect(r.poll.minCoverage.value.share).toBe(0.7);
      expect(r.council.quorum).toMatchObject({ value: { share: 2 / 3, inclusive: true }, confirmed: false });
      expect(r.council.approvalShare.value.share).toBe(0.9);
      expect(r.decider.REVOCATION.value).toBe('provincial_chairman');
      for (const kind of DOSSIER_KINDS) expect(r.decider[kind].legalBasis.length).toBeGreaterThan(0);
    }
  });

  it('labels procedure 1.007200 as a Thanh Hóa 2016-2020 procedure wherever it is cited, never as confirmed', () => {
    for (const r of RULE_SETS) {
      const cited = [r.notice.villageDays, r.proposalMeetingShare, ...Object.values(r.decider)].filter((p) =>
        p.legalBasis.includes('1.007200'),
      );
      expect(cited.length).toBeGreaterThan(0);
      for (const p of cited) {
        expect(p.legalBasis).toMatch(/Thanh Hóa/);
        expect(p.legalBasis).toMatch(/QĐ 2392\/2017\/QĐ-UBND/);
        expect(p.confirmed).toBe(false);
      }
    }
  });

  it('flags the 15-day commune notice against the Law on Grassroots Democracy (>= 30 days from 01/07/2023)', () => {
    for (const r of RULE_SETS) {
      expect(r.notice.communeDays.value).toBe(15);
      expect(r.notice.communeDays.conflictsWith).toMatchObject({
        value: 30,
        effectiveFrom: '2023-07-01',
        legalBasis: expect.stringMatching(/10\/2022\/QH15.*Art\. 13\(2\)/) as string,
      });
    }
  });

  it('cites TT 13/2025/TT-BNNMT in the two-tier rule set only', () => {
    expect(v3.legalBasis).toContain('TT 13/2025/TT-BNNMT');
    expect([...v1.legalBasis, ...v2.legalBasis]).not.toContain('TT 13/2025/TT-BNNMT');
  });

  it('judges a model commune on the advanced set, unconfirmed', () => {
    for (const r of RULE_SETS) {
      expect(r.revocation.value.judgedAs['commune-model-2021-2025']).toMatchObject({
        value: 'commune-advanced-2021-2025',
        confirmed: false,
      });
    }
  });
});
