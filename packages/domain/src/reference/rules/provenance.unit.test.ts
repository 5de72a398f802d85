import { describe, expect, it } from 'vitest';
import { RULE_SETS } from './ruleSets.js';
import { resolveRules, RulesRecorder } from './provenance.js';

const twoTier = RULE_SETS.find((r) => r.id === 'two-tier-2025')!;

describe('RulesRecorder', () => {
  it('records the rule parameters read through its view, by path, with their basis', () => {
    const rec = new RulesRecorder();
    const rs = rec.wrap(twoTier, 'two-tier-2025@3');
    expect(rs.poll.passShare.ntm.value).toEqual({ share: 0.9, inclusive: true });
    expect(rs.council.quorum.value.share).toBeCloseTo(2 / 3);
    expect(rec.take()).toEqual(['two-tier-2025@3:council.quorum', 'two-tier-2025@3:poll.passShare.ntm']);
    expect(rec.entries()[0]).toMatchObject({
      rule: 'two-tier-2025@3:poll.passShare.ntm',
      value: '>= 90%',
      confirmed: false,
      basis: expect.stringContaining('90/HD-MTTW-BTT') as string,
    });
  });

  it('hands out plain values, never proxies, and cannot be written through', () => {
    const rec = new RulesRecorder();
    const rs = rec.wrap(twoTier, 'x');
    expect(structuredClone(rs.notice.communeDays.value)).toBe(15);
    expect(structuredClone(rs.poll.minCoverage.value)).toEqual({ share: 0.7, inclusive: true });
    expect(() => {
      (rs as { id: string }).id = 'forged';
    }).toThrow(TypeError);
    expect(twoTier.id).toBe('two-tier-2025');
  });

  it('follows parameters nested in a value (the model set judged on the advanced set)', () => {
    const rec = new RulesRecorder();
    const rs = rec.wrap(twoTier, 'r');
    expect(rs.revocation.value.judgedAs['commune-model-2021-2025']?.value).toBe('commune-advanced-2021-2025');
    expect(rec.take()).toEqual(['r:revocation', 'r:revocation.judgedAs.commune-model-2021-2025']);
  });

  it('takes only what was read since the last take', () => {
    const rec = new RulesRecorder();
    const rs = rec.wrap(twoTier, 'r');
    void rs.verifier.value;
    expect(rec.take()).toEqual(['r:verifier']);
    void rs.verifier.value;
    void rs.decider.COMMUNE_NTM.value;
    expect(rec.take()).toEqual(['r:decider.COMMUNE_NTM']);
  });
});

describe('resolveRules', () => {
  it('resolves recorded names against the rule data, and flags a name it cannot find', () => {
    const [pass, nested, gone] = resolveRules(
      ['r:poll.passShare.ntm', 'r:revocation.judgedAs.commune-model-2021-2025', 'r:poll.nope'],
      { r: twoTier },
    );
    expect(pass).toMatchObject({ value: '>= 90%', confirmed: false });
    expect(nested).toMatchObject({ value: 'commune-advanced-2021-2025', confirmed: false });
    expect(gone).toMatchObject({ rule: 'r:poll.nope', confirmed: false });
  });
});
