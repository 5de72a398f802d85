/**
 * Bắc Kạn fixtures: actors per role and unit, and the units the journeys use. Tân Lập (02032) is a commune of
 * Chợ Đồn district (064) in Bắc Kạn (06) before the reform; Quảng Bạch (02038) is the Thái Nguyên (19) commune
 * that took it over on 01/07/2025; Nam Cường (02026) was formed by merging Xuân Lạc, Nam Cường and Đồng Lạc.
 */
import type { DomainActor, Role } from '@ntm/domain';

export const BAC_KAN = '06';
export const THAI_NGUYEN = '19';
export const CHO_DON = '064';
/** Xã Tân Lập, huyện Chợ Đồn */
export const TAN_LAP = '02032';
/** Xã Quảng Bạch (Thái Nguyên) from 01/07/2025 */
export const QUANG_BACH = '02038';
/** Xã Nam Cường (Thái Nguyên) from 01/07/2025, formed by a merger */
export const NAM_CUONG = '02026';
/** Xã Yên Thịnh, recognised NTM in 2021 */
export const YEN_THINH = '02044';

const actor = (id: string, role: Role, unit: string): DomainActor => ({ id, role, unit });

/** Actors for dossiers opened before the reform (Bắc Kạn, district 064). */
export const ACTORS = {
  communeOfficial: actor('cb-tanlap-1', 'commune_official', TAN_LAP),
  communeOfficial2: actor('cb-tanlap-2', 'commune_official', TAN_LAP),
  communeChairman: actor('ct-tanlap', 'commune_chairman', TAN_LAP),
  villageHead: actor('tt-ban-cuon', 'village_head', `${TAN_LAP}-ban-cuon`),
  frontOfficer: actor('mt-tanlap', 'front_officer', TAN_LAP),
  districtVerifier: actor('pnn-chodon', 'district_verifier', CHO_DON),
  districtChairman: actor('ct-chodon', 'district_chairman', CHO_DON),
  provincialAppraiser: actor('snn-backan-1', 'provincial_appraiser', BAC_KAN),
  provincialAppraiser2: actor('snn-backan-2', 'provincial_appraiser', BAC_KAN),
  councilSecretary: actor('hd-thuky', 'council_secretary', BAC_KAN),
  councilMember: actor('hd-tv-1', 'council_member', BAC_KAN),
  provincialChairman: actor('ct-backan', 'provincial_chairman', BAC_KAN),
  auditor: actor('kt-backan', 'auditor', BAC_KAN),
  administrator: actor('admin', 'administrator', BAC_KAN),
} as const;

/** Actors for dossiers opened after the reform (Thái Nguyên, no district). */
export const ACTORS_2025 = {
  communeOfficial: actor('cb-quangbach-1', 'commune_official', QUANG_BACH),
  communeChairman: actor('ct-quangbach', 'commune_chairman', QUANG_BACH),
  villageHead: actor('tt-na-ha', 'village_head', `${QUANG_BACH}-na-ha`),
  frontOfficer: actor('mt-quangbach', 'front_officer', QUANG_BACH),
  provincialAppraiser: actor('snnmt-thainguyen-1', 'provincial_appraiser', THAI_NGUYEN),
  provincialAppraiser2: actor('snnmt-thainguyen-2', 'provincial_appraiser', THAI_NGUYEN),
  councilSecretary: actor('hd-tn-thuky', 'council_secretary', THAI_NGUYEN),
  provincialChairman: actor('ct-thainguyen', 'provincial_chairman', THAI_NGUYEN),
  namCuongOfficial: actor('cb-namcuong-1', 'commune_official', NAM_CUONG),
} as const;

/** Nine council members; the ballot fixtures seat eight of them. */
export const COUNCIL_MEMBERS = [
  'hd-tv-1',
  'hd-tv-2',
  'hd-tv-3',
  'hd-tv-4',
  'hd-tv-5',
  'hd-tv-6',
  'hd-tv-7',
  'hd-tv-8',
  'hd-tv-9',
];

/** A Vietnam working-hours instant (09:00 +07:00) on a date. */
export const at = (isoDate: string): string => `${isoDate}T02:00:00.000Z`;

/** A fixed SHA-256 per document id, so fixtures are stable. */
export const sha = (seed: string): string =>
  [...seed.padEnd(64, '0')].map((c) => (c.charCodeAt(0) % 16).toString(16)).join('');
