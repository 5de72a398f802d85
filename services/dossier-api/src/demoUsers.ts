/**
 * One demo user per role, placed in real units from the domain's unit registry as they stand on the service's
 * date: Xã Vi Hương (01975), Huyện Bạch Thông (063), Bắc Kạn (06) before the 2025 reform, and from 01/07/2025 Vi
 * Hương's successor commune in Thái Nguyên (19), where districts no longer exist. A demo user in a dissolved unit
 * could not open a dossier today.
 */
import { loadBacKan, ROLES, type Role } from '@ntm/domain';

export interface DemoUser {
  role: Role;
  unit: string;
  note: string;
}

const FORMER_COMMUNE = '01975';

/** Demo users for the start banner, in units valid on `today` (ISO date, Vietnam). */
export function demoUsers(today: string): DemoUser[] {
  const units = loadBacKan();
  const communeCode = units.get(FORMER_COMMUNE, today)
    ? FORMER_COMMUNE
    : (units.successorsOf(FORMER_COMMUNE).find((link) => units.get(link.code, today))?.code ??
      FORMER_COMMUNE);
  const commune = units.get(communeCode, today);
  const district = units.districtOf(communeCode, today);
  const province = units.provinceOf(communeCode, today);
  const atCommune = { unit: communeCode, note: commune?.name ?? communeCode };
  const atProvince = { unit: province.code, note: province.name };
  const atDistrict = district
    ? { unit: district.code, note: district.name }
    : undefined; /* abolished on 01/07/2025: no such user today */
  const unitOf: Record<Role, { unit: string; note: string } | undefined> = {
    commune_official: atCommune,
    commune_chairman: atCommune,
    village_head: { unit: `${communeCode}-na-pai`, note: `a village of ${atCommune.note}` },
    front_officer: atCommune,
    district_verifier: atDistrict,
    district_chairman: atDistrict,
    provincial_appraiser: atProvince,
    council_member: atProvince,
    council_secretary: atProvince,
    provincial_chairman: atProvince,
    auditor: { ...atProvince, note: `${province.name} (reads and audits everything in it)` },
    administrator: { ...atProvince, note: 'operates the system; no dossier rights' },
    data_protection_officer: {
      ...atProvince,
      note: `${province.name}'s data-protection officer: queries the read-access trail, reads no dossier`,
    },
    integration_client: {
      ...atProvince,
      note: `${province.name}'s LGSP connector: polls the status feed only`,
    },
  };
  return ROLES.flatMap((role) => {
    const at = unitOf[role];
    return at ? [{ role, ...at }] : [];
  });
}
