import { describe, expect, it } from 'vitest';
import { loadBacKan, ROLES, type DomainActor, type DossierScope, type Role } from '@ntm/domain';
import {
  can,
  readFilterFor,
  readTrailFilterFor,
  statusFeedProvince,
  type JurisdictionContext,
} from './policy.js';

// Bắc Kạn (06): a commune (01897) of district 061, a neighbour commune (01900), another district (063).
const commune: DossierScope = {
  unitCode: '01897',
  communeCode: '01897',
  districtCode: '061',
  provinceCode: '06',
};
const village: DossierScope = {
  unitCode: '01897-na-ri',
  communeCode: '01897',
  districtCode: '061',
  provinceCode: '06',
};
// After 01/07/2025 there is no district; the commune sits in Thái Nguyên (19).
const twoTier: DossierScope = { unitCode: '01849', communeCode: '01849', provinceCode: '19' };

/** The unit each role holds when it is in the dossier's jurisdiction, and a unit outside it. */
const home: Record<Role, { inside: string; outside: string }> = {
  commune_official: { inside: '01897', outside: '01900' },
  commune_chairman: { inside: '01897', outside: '01900' },
  front_officer: { inside: '01897', outside: '01951' },
  village_head: { inside: '01897-na-ri', outside: '01897-khuoi-da' },
  district_verifier: { inside: '061', outside: '063' },
  district_chairman: { inside: '061', outside: '063' },
  provincial_appraiser: { inside: '06', outside: '19' },
  council_member: { inside: '06', outside: '19' },
  council_secretary: { inside: '06', outside: '19' },
  provincial_chairman: { inside: '06', outside: '19' },
  auditor: { inside: '061', outside: '063' },
  administrator: { inside: '06', outside: '19' },
  integration_client: { inside: '06', outside: '19' },
  data_protection_officer: { inside: '06', outside: '19' },
};

const actor = (role: Role, unit: string): DomainActor => ({ id: `u-${role}`, role, unit });
const COMMANDS = ['OpenDossier', 'SubmitDossier', 'RecordVerification', 'DecideRecognition'];
const OFFICIALS = ROLES.filter(
  (r) =>
    !['auditor', 'administrator', 'village_head', 'integration_client', 'data_protection_officer'].includes(
      r,
    ),
);

describe('can: commune dossier, 2022 procedure', () => {
  for (const role of OFFICIALS) {
    it(`${role} may read, audit and command inside its jurisdiction only`, () => {
      for (const action of ['read', 'audit', ...COMMANDS]) {
        expect(can(actor(role, home[role].inside), action, commune)).toBe(true);
        expect(can(actor(role, home[role].outside), action, commune)).toBe(false);
      }
    });
  }

  it('a village head has no say over a commune dossier, even of their own commune', () => {
    for (const action of ['read', 'audit', ...COMMANDS]) {
      expect(can(actor('village_head', '01897-na-ri'), action, commune)).toBe(false);
      expect(can(actor('village_head', '01897'), action, commune)).toBe(false);
    }
  });

  it('an auditor reads and audits in its subtree and never writes', () => {
    for (const unit of ['01897', '061', '06']) {
      expect(can(actor('auditor', unit), 'read', commune)).toBe(true);
      expect(can(actor('auditor', unit), 'audit', commune)).toBe(true);
      for (const command of COMMANDS) expect(can(actor('auditor', unit), command, commune)).toBe(false);
    }
    for (const unit of ['01900', '063', '19']) {
      expect(can(actor('auditor', unit), 'read', commune)).toBe(false);
      expect(can(actor('auditor', unit), 'audit', commune)).toBe(false);
    }
  });

  it('an administrator, an integration client or a data-protection officer holds no dossier rights anywhere', () => {
    for (const role of ['administrator', 'integration_client', 'data_protection_officer'] as const)
      for (const unit of ['01897', '061', '06']) {
        for (const action of ['read', 'audit', ...COMMANDS])
          expect(can(actor(role, unit), action, commune)).toBe(false);
        expect(readFilterFor(actor(role, unit))).toBeUndefined();
      }
  });

  it('the read-access trail: an auditor queries what it may read, a data-protection officer its subtree', () => {
    expect(readTrailFilterFor(actor('auditor', '061'))).toEqual(readFilterFor(actor('auditor', '061')));
    expect(readTrailFilterFor(actor('data_protection_officer', '06'))).toEqual({ provinceCode: '06' });
    expect(readTrailFilterFor(actor('data_protection_officer', '01897-na-ri'))).toBeUndefined();
    for (const role of ROLES.filter((r) => r !== 'auditor' && r !== 'data_protection_officer'))
      expect(readTrailFilterFor(actor(role, '06'))).toBeUndefined();
  });

  it('only an integration client polls a status feed, of its own province', () => {
    expect(statusFeedProvince(actor('integration_client', '06'))).toBe('06');
    expect(statusFeedProvince(actor('integration_client', '01897'))).toBeUndefined();
    for (const role of ROLES.filter((r) => r !== 'integration_client'))
      expect(statusFeedProvince(actor(role, '06'))).toBeUndefined();
  });
});

describe('can: village dossier', () => {
  it('the village head acts for their own village only', () => {
    expect(can(actor('village_head', '01897-na-ri'), 'SubmitDossier', village)).toBe(true);
    expect(can(actor('village_head', '01897-khuoi-da'), 'SubmitDossier', village)).toBe(false);
    expect(can(actor('village_head', '01897'), 'read', village)).toBe(false);
  });

  it('the commune, district and province above the village keep their jurisdiction', () => {
    expect(can(actor('commune_official', '01897'), 'read', village)).toBe(true);
    expect(can(actor('commune_chairman', '01897'), 'DecideRecognition', village)).toBe(true);
    expect(can(actor('district_chairman', '061'), 'DecideRecognition', village)).toBe(true);
    expect(can(actor('district_chairman', '063'), 'DecideRecognition', village)).toBe(false);
    expect(can(actor('auditor', '01897-na-ri'), 'audit', village)).toBe(true);
    expect(can(actor('auditor', '01897-khuoi-da'), 'audit', village)).toBe(false);
  });
});

describe('can: two-tier procedure (no district)', () => {
  it('district roles have no jurisdiction once the dossier has no district', () => {
    for (const role of ['district_verifier', 'district_chairman'] as const) {
      for (const unit of ['061', '058', '19', ''])
        expect(can(actor(role, unit), 'read', twoTier)).toBe(false);
    }
  });

  it('provincial roles follow the merged province, not the former one', () => {
    expect(can(actor('provincial_appraiser', '19'), 'RecordVerification', twoTier)).toBe(true);
    expect(can(actor('provincial_appraiser', '06'), 'RecordVerification', twoTier)).toBe(false);
    expect(can(actor('auditor', '19'), 'audit', twoTier)).toBe(true);
    expect(can(actor('auditor', '06'), 'audit', twoTier)).toBe(false);
  });
});

describe('can: reform cut-over for a dossier pinned to the 2022 procedure', () => {
  const units = loadBacKan();
  // 01897 merged into commune 01894 of Thái Nguyên (19) on 01/07/2025; the dossier's scope still says 061 and 06.
  const pinned2022 = (now: string): JurisdictionContext => ({
    ruleSet: { id: 'qd18-2022', version: 1 },
    now,
    units,
  });
  const cutOver = pinned2022('2025-06-30T17:00:00Z'); // 01/07/2025 00:00 in Vietnam
  const dayBefore = pinned2022('2025-06-30T16:59:59Z');

  it('accepts the successor roles for the successor units from the cut-over on', () => {
    expect(can(actor('provincial_appraiser', '19'), 'RecordVerification', commune, cutOver)).toBe(true);
    expect(can(actor('provincial_appraiser', '19'), 'read', commune, cutOver)).toBe(true);
    expect(can(actor('commune_chairman', '01894'), 'DecideRecognition', village, cutOver)).toBe(true);
  });

  it('refuses them the day before, and without a context', () => {
    expect(can(actor('provincial_appraiser', '19'), 'RecordVerification', commune, dayBefore)).toBe(false);
    expect(can(actor('commune_chairman', '01894'), 'DecideRecognition', village, dayBefore)).toBe(false);
    expect(can(actor('provincial_appraiser', '19'), 'RecordVerification', commune)).toBe(false);
  });

  it('refuses other units and roles that succeed nobody', () => {
    expect(can(actor('provincial_appraiser', '20'), 'RecordVerification', commune, cutOver)).toBe(false);
    expect(can(actor('commune_chairman', '01900'), 'DecideRecognition', village, cutOver)).toBe(false);
    expect(can(actor('council_member', '20'), 'read', commune, cutOver)).toBe(false);
    expect(can(actor('commune_official', '01900'), 'SubmitDossier', commune, cutOver)).toBe(false);
    expect(can(actor('village_head', '01894-na-ri'), 'read', village, cutOver)).toBe(false);
  });

  it('hands the dossiers of merged-away units to the units they merged into, commune and province', () => {
    // Bắc Kạn (06) merged into Thái Nguyên (19), commune 01897 into 01894.
    expect(can(actor('council_member', '19'), 'read', commune, cutOver)).toBe(true);
    expect(can(actor('provincial_appraiser', '19'), 'RecordAppraisal', commune, cutOver)).toBe(true);
    expect(can(actor('provincial_chairman', '19'), 'DecideRecognition', commune, cutOver)).toBe(true);
    expect(can(actor('commune_official', '01894'), 'SubmitDossier', commune, cutOver)).toBe(true);
    expect(can(actor('auditor', '19'), 'audit', commune, cutOver)).toBe(true);
    expect(can(actor('auditor', '01894'), 'read', village, cutOver)).toBe(true);
    // Auditors still never write; nothing passes the day before, or for a dossier pinned after the cut-over.
    expect(can(actor('auditor', '19'), 'RecordAppraisal', commune, cutOver)).toBe(false);
    expect(can(actor('council_member', '19'), 'read', commune, dayBefore)).toBe(false);
    const twoTierPin = { ...cutOver, ruleSet: { id: 'two-tier-2025', version: 3 } };
    expect(can(actor('council_member', '19'), 'read', commune, twoTierPin)).toBe(false);
    // A unit that still exists keeps its dossiers: Thái Nguyên's own commune is not handed to anyone.
    expect(can(actor('commune_official', '01894'), 'read', twoTier, cutOver)).toBe(false);
  });

  it('does not apply to a dossier pinned after the cut-over', () => {
    const twoTierPin = { ...cutOver, ruleSet: { id: 'two-tier-2025', version: 3 } };
    expect(can(actor('provincial_appraiser', '19'), 'RecordVerification', commune, twoTierPin)).toBe(false);
  });

  it('keeps the existing jurisdiction and never grants administrators anything', () => {
    expect(can(actor('provincial_appraiser', '06'), 'RecordAppraisal', commune, cutOver)).toBe(true);
    expect(can(actor('administrator', '19'), 'read', commune, cutOver)).toBe(false);
    expect(can(actor('provincial_appraiser', '19'), 'read', commune, pinned2022('not a date'))).toBe(false);
  });
});

describe('readFilterFor agrees with can(read)', () => {
  const scopes = [commune, village, twoTier, { ...commune, unitCode: '01900', communeCode: '01900' }];
  const matches = (filter: ReturnType<typeof readFilterFor>, scope: DossierScope) =>
    filter !== undefined && Object.entries(filter).every(([k, v]) => scope[k as keyof DossierScope] === v);
  it('for every role and unit, the filter admits exactly the dossiers the actor may read', () => {
    const units = ['01897', '01900', '01897-na-ri', '061', '063', '06', '19', '01849'];
    for (const role of ROLES) {
      for (const unit of units) {
        for (const scope of scopes) {
          expect(
            matches(readFilterFor(actor(role, unit)), scope),
            `${role}@${unit} on ${scope.unitCode}`,
          ).toBe(can(actor(role, unit), 'read', scope));
        }
      }
    }
  });
});

describe('readFilterFor with a context agrees with can(read) across the reform cut-over', () => {
  const units = loadBacKan();
  // Each dossier pins the rule set in force on its opening day (in Vietnam): the pin follows from openedAt.
  const dossiers = [
    { ruleSet: { id: 'qd18-2022', version: 1 }, openedAt: '2023-05-01T03:00:00.000Z' },
    { ruleSet: { id: 'qd18-2022+qd03-2024', version: 2 }, openedAt: '2025-06-30T16:59:59.000Z' },
    { ruleSet: { id: 'two-tier-2025', version: 3 }, openedAt: '2025-06-30T17:00:00.000Z' },
  ];
  const days = ['2025-06-30T16:59:59Z', '2025-06-30T17:00:00Z', '2026-01-15T03:00:00Z'];
  const scopes = [commune, village, twoTier, { ...commune, unitCode: '01900', communeCode: '01900' }];
  const unitCodes = ['01897', '01894', '01900', '01897-na-ri', '061', '06', '19', '20'];
  const admits = (
    filter: ReturnType<typeof readFilterFor>,
    scope: DossierScope,
    openedAt: string,
  ): boolean => {
    if (filter === undefined) return false;
    const { successorReads = [], ...own } = filter;
    return (
      Object.entries(own).every(([k, v]) => scope[k as keyof DossierScope] === v) ||
      successorReads.some(
        (r) =>
          r.communeCodes.includes(scope.communeCode) &&
          openedAt >= r.openedFrom &&
          (r.openedBefore === undefined || openedAt < r.openedBefore),
      )
    );
  };

  it('admits exactly the dossiers each role and unit may read, on each day', () => {
    let successorAdmissions = 0;
    for (const now of days) {
      for (const role of ROLES) {
        for (const unit of unitCodes) {
          const filter = readFilterFor(actor(role, unit), { now, units });
          for (const scope of scopes) {
            for (const { ruleSet, openedAt } of dossiers) {
              const allowed = can(actor(role, unit), 'read', scope, { ruleSet, now, units });
              expect(
                admits(filter, scope, openedAt),
                `${role}@${unit} on ${scope.unitCode} ${ruleSet.id} ${now}`,
              ).toBe(allowed);
              if (allowed && !can(actor(role, unit), 'read', scope)) successorAdmissions += 1;
            }
          }
        }
      }
    }
    // The succession is exercised: some reads are lawful only by it (the Thái Nguyên appraiser, the merged commune's chairman).
    expect(successorAdmissions).toBeGreaterThan(0);
  });

  it('gives successors the dossiers of the units they succeed, in one window per set of units', () => {
    const filter = readFilterFor(actor('provincial_appraiser', '19'), { now: '2025-08-01T03:00:00Z', units });
    expect(filter?.provinceCode).toBe('19');
    const window = { openedFrom: '2022-08-01T17:00:00.000Z', openedBefore: '2025-06-30T17:00:00.000Z' };
    // As the verifier's successor (any province), and as the successor of the merged province (06 only).
    expect(filter?.successorReads).toEqual([
      { ...window, communeCodes: expect.arrayContaining(['01897', '01900']) as unknown },
      {
        ...window,
        communeCodes: expect.arrayContaining(['01897', '01900']) as unknown,
        provinceCodes: ['06'],
      },
    ]);
    expect(
      readFilterFor(actor('council_member', '19'), { now: '2025-08-01T03:00:00Z', units })?.successorReads,
    ).toEqual([
      { ...window, communeCodes: expect.arrayContaining(['01897']) as unknown, provinceCodes: ['06'] },
    ]);
    expect(
      readFilterFor(actor('commune_official', '01894'), { now: '2025-08-01T03:00:00Z', units })
        ?.successorReads,
    ).toEqual([{ ...window, communeCodes: ['01891', '01897'] }]);
    expect(
      readFilterFor(actor('provincial_appraiser', '19'), { now: '2025-06-30T16:59:59Z', units }),
    ).toEqual({
      provinceCode: '19',
    });
  });
});
