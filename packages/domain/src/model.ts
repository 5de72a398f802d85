/**
 * The shared vocabulary of the domain: dossier kinds, roles, workflow pins, the decider signature.
 * Other packages (contracts, auth, projections, the API) speak these words; keep them small and stable.
 */

import { DOSSIER_KIND_VALUES, TIER_VALUES } from '@ntm/contracts';

/** Hồ sơ — the kinds of recognition dossier the engine runs (the list lives in the contracts, the lower layer). */
export const DOSSIER_KINDS = DOSSIER_KIND_VALUES;
export type DossierKind = (typeof DOSSIER_KINDS)[number];

/** Recognition tiers: NTM (đạt chuẩn), advanced (nâng cao), model (kiểu mẫu). */
export const TIERS = TIER_VALUES;
export type Tier = (typeof TIERS)[number];

/** Who acts. A user holds one role in one administrative unit (its official code). */
export const ROLES = [
  'commune_official', // cán bộ UBND xã: prepares and submits commune dossiers
  'commune_chairman', // Chủ tịch UBND xã: decides village recognition after the 2025 reform (rule parameter)
  'village_head', // Trưởng thôn: prepares village dossiers
  'front_officer', // cán bộ Mặt trận Tổ quốc: records satisfaction polls
  'district_verifier', // UBND huyện: thẩm tra (until 30/06/2025)
  'district_chairman', // Chủ tịch UBND huyện: decided village recognition before the reform (rule parameter)
  'provincial_appraiser', // Sở NN&MT / VPĐP tỉnh: thẩm định (and verification after the reform)
  'council_member', // thành viên Hội đồng thẩm định
  'council_secretary', // thư ký Hội đồng: records the meeting and ballot
  'provincial_chairman', // Chủ tịch UBND tỉnh: decides commune recognition and revocation
  'auditor', // kiểm toán, thanh tra: reads everything in their jurisdiction, writes nothing
  'administrator', // operates the system; no dossier rights
  'integration_client', // a provincial LGSP connector: polls the status feed of its province, nothing else
  'data_protection_officer', // bảo vệ dữ liệu cá nhân (NĐ 13/2023): queries the read-access trail of its unit, reads no dossier
] as const;
export type Role = (typeof ROLES)[number];

/** A dossier pins the workflow definition it was opened under, and is always replayed under it. */
export interface WorkflowPin {
  /** e.g. "commune-ntm" */
  id: string;
  /** 1 = QĐ 18/2022 procedure with district verification; 2 = two-tier procedure from 01/07/2025 */
  version: number;
}

/** The actor as the domain sees it (same shape as the event envelope's actor). */
export interface DomainActor {
  id: string;
  role: Role;
  /** official code of the unit the actor acts for (village id, commune, district or province code) */
  unit: string;
}

/** Where a dossier sits in the administrative tree; carried by its first event so policies need no lookup. */
export interface DossierScope {
  /** the unit the dossier is about (commune code, or village id "<commune code>-<village key>") */
  unitCode: string;
  communeCode: string;
  /** district code when the dossier was opened before the districts were abolished */
  districtCode?: string | undefined;
  provinceCode: string;
}

/** An event as decided by the domain, before the store wraps it in an envelope. */
export interface DomainEvent<T extends string = string, D extends object = Record<string, unknown>> {
  type: T;
  schemaVersion: number;
  data: D;
}

export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };
