import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isRuleParameter, lawTableRows, RULE_SETS } from '@ntm/domain';
import { DOMAIN_DOC, withLawTable } from './lawTableDoc.js';

describe('the table of confirmed law and defaults in docs/domain.md', () => {
  it('is the one the rule data gives (run `pnpm docs:workflows` after changing a rule)', () => {
    const doc = readFileSync(DOMAIN_DOC, 'utf8');
    expect(doc).toBe(withLawTable(doc));
  });

  it('lists every top-level parameter of every rule set, in that version, with its confirmed flag', () => {
    const rows = lawTableRows();
    for (const rs of RULE_SETS) {
      const walk = (v: unknown, path: string) => {
        if (typeof v !== 'object' || v === null) return;
        for (const [k, x] of Object.entries(v)) {
          const at = path ? `${path}.${k}` : k;
          if (isRuleParameter(x)) {
            const row = rows.find((r) => r.rule === at && r.in.includes(`${rs.id}@${rs.version}`));
            expect(row, `${rs.id}@${rs.version}:${at}`).toMatchObject({
              basis: x.legalBasis,
              confirmed: x.confirmed,
            });
          } else walk(x, at);
        }
      };
      walk(rs, '');
    }
  });

  it('shows the defaults as defaults: the QĐ 18 day counts and the 2026 critical criteria are not law', () => {
    const rows = lawTableRows();
    const row = (rule: string) => rows.find((r) => r.rule === rule);
    expect(row('notice.communeDays')).toMatchObject({ value: '15', confirmed: false });
    expect(row('revocation.inferredCriticalCriteria.commune-ntm-2026-2030')).toMatchObject({
      value: '3, 8, 10',
      confirmed: false,
    });
    expect(row('succession.from')).toMatchObject({ value: '2025-07-01', confirmed: true });
  });
});
