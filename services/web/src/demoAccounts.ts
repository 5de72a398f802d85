/**
 * The embedded OIDC provider's demo accounts: one per role in the units in force on the service's date (the API's
 * demo users), extra council members so that a council can vote, a few in Bắc Kạn's pre-2025 units for dossiers
 * pinned before the 2025 cut-over, and an auditor of another province who must see none of them. Accounts have no
 * password: the embedded provider exists for trying the engine, never for production.
 */
import { demoUsers } from '@ntm/dossier-api';
import type { Role } from '@ntm/domain';

export interface DemoAccount {
  /** the OIDC subject (`sub`), also the actor id in the events */
  id: string;
  role: Role;
  unit: string;
  /** who the account stands for, in Vietnamese (unit names are Vietnamese in both languages) */
  name: string;
  /** true for accounts in units abolished by the 2025 reform */
  before2025?: boolean;
}

/** The last day of Bắc Kạn's districts and its own province. */
const BEFORE_REFORM = '2025-06-30';
/** Roles whose pre-reform account is worth offering: the steps of a dossier opened under the 2022 procedure. */
const PRE_REFORM_ROLES: readonly Role[] = ['commune_official', 'district_verifier', 'provincial_appraiser'];
/** Cao Bằng: a province with no dossier of the demo, to see that jurisdiction holds. */
const OTHER_PROVINCE = { code: '04', name: 'Tỉnh Cao Bằng' };

const accountId = (role: Role, unit: string, n?: number): string =>
  `demo-${role.replaceAll('_', '-')}-${unit}${n === undefined ? '' : `-${n}`}`;

/** The demo accounts on `today` (ISO date on the service clock). */
export function demoAccounts(today: string): DemoAccount[] {
  const current = demoUsers(today).map((u) => ({
    id: accountId(u.role, u.unit),
    role: u.role,
    unit: u.unit,
    name: u.note,
  }));
  const council = current.find((a) => a.role === 'council_member');
  const moreMembers = council
    ? [2, 3].map((n) => ({ ...council, id: accountId('council_member', council.unit, n) }))
    : [];
  const before =
    today > BEFORE_REFORM
      ? demoUsers(BEFORE_REFORM)
          .filter((u) => PRE_REFORM_ROLES.includes(u.role))
          .map((u) => ({
            id: accountId(u.role, u.unit),
            role: u.role,
            unit: u.unit,
            name: u.note,
            before2025: true,
          }))
      : [];
  const outsider = {
    id: accountId('auditor', OTHER_PROVINCE.code),
    role: 'auditor' as const,
    unit: OTHER_PROVINCE.code,
    name: OTHER_PROVINCE.name,
  };
  return [...current, ...moreMembers, ...before, outsider];
}
