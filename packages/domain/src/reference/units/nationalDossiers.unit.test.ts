/**
 * The decider's default registry is the national one: a commune dossier of any province opens before the reform,
 * is refused for the former commune after it (naming the successor), and the units it merged into act on it
 * after the cut-over, as Thái Nguyên does for Bắc Kạn (ADR 0009).
 */
import { describe, expect, it } from 'vitest';
import { decide } from '../../decide.js';
import { ruleSetAt } from '../rules/ruleSetAt.js';
import { nationalUnits } from './loadNationalUnits.js';
import { succeedsMergedUnit, successionFor } from '../../workflows/succession.js';
import type { DossierScope } from '../../model.js';

const units = nationalUnits();
const BEFORE = '2024-05-02';
const AFTER = '2025-07-02';
/** A xã of the former Lào Cai (10, merged with Yên Bái into the new Lào Cai, 15) that a xã took over. */
const commune = units
  .codes()
  .find(
    (c) =>
      units.get(c, BEFORE)?.type === 'commune' &&
      units.provinceOf(c, BEFORE).code === '10' &&
      !units.get(c, AFTER) &&
      units.successorsOn(c, AFTER).length === 1,
  )!;
const successor = units.successorsOn(commune, AFTER)[0]!;
const open = (onDate: string) =>
  decide(
    undefined,
    {
      type: 'OpenDossier',
      dossierId: `d-${onDate}`,
      kind: 'COMMUNE_NTM',
      unitCode: commune,
      year: Number(onDate.slice(0, 4)),
      constructionDebt: { outstanding: false },
      securityClassification: 'safe_for_security_and_order',
    },
    { now: `${onDate}T03:00:00Z`, actor: { id: 'cb-1', role: 'commune_official', unit: commune } },
  );

describe('a dossier of another province than Bắc Kạn', () => {
  it('opens before the reform in its own commune and province', () => {
    const result = open(BEFORE);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value[0]).toMatchObject({
      type: 'DossierOpened',
      data: { scope: { communeCode: commune, provinceCode: '10' } },
    });
  });

  it('is refused for the former commune after the reform, naming its successor', () => {
    const result = open(AFTER);
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).toContain(successor);
  });

  it("is taken over after the cut-over by the successor commune and by the new Lào Cai's province", () => {
    const scope: DossierScope = { unitCode: commune, communeCode: commune, provinceCode: '10' };
    const succession = successionFor(
      { ruleSet: { id: 'qd18-2022+qd03-2024', version: 2 } },
      AFTER,
      ruleSetAt(AFTER),
    )!;
    expect(succeedsMergedUnit(scope, 'commune', successor, AFTER, succession, units)).toBe(true);
    expect(succeedsMergedUnit(scope, 'province', '15', AFTER, succession, units)).toBe(true);
    expect(succeedsMergedUnit(scope, 'province', '19', AFTER, succession, units)).toBe(false);
  });
});
