/**
 * One demo user per role, placed in real Bắc Kạn units from the domain's unit registry: Xã Vi Hương (01975) in
 * Huyện Bạch Thông (063), province 06, as they stood before the 2025 reform.
 */
import { loadBacKan, ROLES, type Role } from '@ntm/domain';

export interface DemoUser {
  role: Role;
  unit: string;
  note: string;
}

const ON = '2024-06-01';
const COMMUNE = '01975';
const VILLAGE = `${COMMUNE}-na-pai`;

/** Demo users for the start banner. */
export function demoUsers(): DemoUser[] {
  const units = loadBacKan();
  const commune = units.get(COMMUNE, ON);
  const district = units.districtOf(COMMUNE, ON);
  const province = units.provinceOf(COMMUNE, ON);
  const unitOf: Record<Role, { unit: string; note: string }> = {
    commune_official: { unit: COMMUNE, note: commune?.name ?? '' },
    commune_chairman: { unit: COMMUNE, note: commune?.name ?? '' },
    village_head: { unit: VILLAGE, note: `a village of ${commune?.name ?? COMMUNE}` },
    front_officer: { unit: COMMUNE, note: commune?.name ?? '' },
    district_verifier: { unit: district?.code ?? '', note: district?.name ?? '' },
    district_chairman: { unit: district?.code ?? '', note: district?.name ?? '' },
    provincial_appraiser: { unit: province.code, note: province.name },
    council_member: { unit: province.code, note: province.name },
    council_secretary: { unit: province.code, note: province.name },
    provincial_chairman: { unit: province.code, note: province.name },
    auditor: { unit: province.code, note: `${province.name} (reads and audits everything in it)` },
    administrator: { unit: province.code, note: 'operates the system; no dossier rights' },
  };
  return ROLES.map((role) => ({ role, ...unitOf[role] }));
}
