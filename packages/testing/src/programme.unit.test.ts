/**
 * The programme in force decides which criteria a dossier is opened against (law-findings §3): QĐ 51/2025's set from
 * 15/02/2026, no advanced or model tier then, a revocation at such a closed tier judged on its own tier's last set,
 * and a village judged on its province's criteria.
 */
import { describe, it } from 'vitest';
import { nationalUnits, type DecisionContext, type DossierCommand } from '@ntm/domain';
import { given } from './spec.js';
import { ACTORS, ACTORS_2025, QUANG_BACH, TAN_LAP, at } from './fixtures.js';

const as = (actor: DecisionContext['actor'], date: string, extra: Partial<DecisionContext> = {}) => ({
  now: at(date),
  actor,
  ...extra,
});
const open = (body: Record<string, unknown>): DossierCommand => ({
  type: 'OpenDossier',
  dossierId: 'd-1',
  year: 2026,
  constructionDebt: { outstanding: false },
  securityClassification: 'safe_for_security_and_order',
  ...body,
});
const official = ACTORS_2025.communeOfficial;
const units = nationalUnits();
/** a xã of Lào Cai (10) before the reform: a province with no village criteria loaded */
const LAO_CAI_COMMUNE = units
  .codes()
  .find(
    (c) => units.get(c, '2024-03-01')?.type === 'commune' && units.provinceOf(c, '2024-03-01').code === '10',
  )!;

describe('the 2026-2030 programme', () => {
  it('opens a commune NTM dossier on QĐ 51/2025 from 15/02/2026', () => {
    given([])
      .when(open({ kind: 'COMMUNE_NTM', unitCode: QUANG_BACH }), as(official, '2026-02-16'))
      .then([{ type: 'DossierOpened', data: { criteriaSetId: 'commune-ntm-2026-2030' } }]);
  });

  it('still opens on the 2021-2025 set the day before', () => {
    given([])
      .when(open({ kind: 'COMMUNE_NTM', unitCode: QUANG_BACH, year: 2025 }), as(official, '2026-02-13'))
      .then([{ type: 'DossierOpened', data: { criteriaSetId: 'commune-ntm-2021-2025' } }]);
  });

  it.each(['COMMUNE_ADVANCED', 'COMMUNE_MODEL'])(
    'refuses a %s dossier: the tier is not in the programme',
    (kind) => {
      given([])
        .when(
          open({ kind, unitCode: QUANG_BACH }),
          as(official, '2026-03-02', {
            unitRecognition: { tier: kind === 'COMMUNE_MODEL' ? 'advanced' : 'ntm', decisionNo: '1/QĐ-UBND' },
          }),
        )
        .thenFails('TIER_NOT_IN_PROGRAMME');
    },
  );

  it('revokes an advanced recognition after the tier closed, on the advanced 2021-2025 set', () => {
    const held = { tier: 'advanced' as const, decisionNo: '99/QĐ-UBND' };
    given([])
      .when(
        open({
          kind: 'REVOCATION',
          unitCode: QUANG_BACH,
          targetRecognition: { ...held, decidedOn: '2024-12-20' },
        }),
        as(ACTORS_2025.provincialAppraiser, '2026-03-02', { unitRecognition: held }),
      )
      .then([
        { type: 'DossierOpened', data: { criteriaSetId: 'commune-advanced-2021-2025', tier: 'advanced' } },
      ]);
  });
});

describe("a village's criteria are its province's", () => {
  const village = (communeCode: string) => ({
    kind: 'VILLAGE_NTM',
    unitCode: `${communeCode}-ban-cuon`,
    communeCode,
  });

  it("Bắc Kạn's QĐ 1306 for a Bắc Kạn village", () => {
    given([])
      .when(open({ ...village(TAN_LAP), year: 2024 }), as(ACTORS.villageHead, '2024-03-01'))
      .then([{ type: 'DossierOpened', data: { criteriaSetId: 'village-ntm-backan-2022-2025' } }]);
  });

  it('a fallback, unconfirmed, for a province with none loaded (Lào Cai)', () => {
    const head = { id: 'tt-1', role: 'village_head' as const, unit: `${LAO_CAI_COMMUNE}-ban-cuon` };
    given([])
      .when(open({ ...village(LAO_CAI_COMMUNE), year: 2024 }), as(head, '2024-03-01'))
      .then([{ type: 'DossierOpened', data: { criteriaSetId: 'village-ntm-fallback' } }]);
  });

  it("Bắc Kạn's, continued in its former territory, for a village of Quảng Bạch (Thái Nguyên) after the merger", () => {
    given([])
      .when(open({ ...village(QUANG_BACH), year: 2025 }), as(ACTORS_2025.villageHead, '2025-08-01'))
      .then([{ type: 'DossierOpened', data: { criteriaSetId: 'village-ntm-backan-2022-2025' } }]);
  });
});
