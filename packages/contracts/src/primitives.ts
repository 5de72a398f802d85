/**
 * Value schemas shared by commands and events. The kind and tier lists repeat `@ntm/domain`'s model on purpose:
 * contracts depend on zod only, and the domain checks at compile time that both lists agree.
 */
import { z } from 'zod';

export const DOSSIER_KIND_VALUES = [
  'VILLAGE_NTM',
  'COMMUNE_NTM',
  'COMMUNE_ADVANCED',
  'COMMUNE_MODEL',
  'REVOCATION',
  'POST_MERGER_ACKNOWLEDGEMENT',
  'COMPLAINT',
] as const;
export const TIER_VALUES = ['ntm', 'advanced', 'model'] as const;

export const IsoDate = z.iso
  .date()
  .describe('calendar date, YYYY-MM-DD')
  .meta({ examples: ['2024-05-02'] });
export const UnitCode = z
  .string()
  .regex(/^[0-9]{2,5}$/)
  .describe('official GSO code of an administrative unit (province 2, district 3, commune 5 digits)')
  .meta({ examples: ['02032'] });
export const VillageId = z
  .string()
  .regex(/^[0-9]{5}-[a-z0-9-]{1,40}$/)
  .describe('village id: "<commune code>-<village key>"')
  .meta({ examples: ['02032-ban-cuon'] });
export const CriterionCode = z
  .string()
  .regex(/^[A-Za-z0-9.]{1,12}$/)
  .describe('criterion code within the dossier\'s criteria set, e.g. "1".."19"')
  .meta({ examples: ['10'] });
/**
 * Text the event log can store: no U+0000 (PostgreSQL's jsonb cannot hold it) and no unpaired UTF-16 surrogate
 * (not Unicode; canonical JSON and the hash chain refuse it). Paired surrogates (emoji) are fine. A pattern, not a
 * refinement, so that the OpenAPI document states it.
 */
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what is refused
const STORABLE_TEXT = /^(?:[^\u0000\uD800-\uDFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF])*$/;
const storable = (text: z.ZodString) =>
  text.regex(STORABLE_TEXT, 'must not contain U+0000 or an unpaired UTF-16 surrogate');
export const ShortText = storable(z.string().trim().min(1).max(200));
export const LongText = storable(z.string().trim().min(1).max(4000));
export const Count = z.number().int().min(0).max(10_000_000);
export const Sha256 = z
  .string()
  .regex(/^[0-9a-f]{64}$/)
  .describe('SHA-256 of the file, lowercase hex');
export const DossierKindSchema = z.enum(DOSSIER_KIND_VALUES).describe('dossier kind');
export const TierSchema = z
  .enum(TIER_VALUES)
  .describe('recognition tier: ntm (đạt chuẩn), advanced (nâng cao), model (kiểu mẫu)');

/** Loại tài liệu — the document kinds that dossier checklists are made of. */
export const DOCUMENT_KIND_VALUES = [
  'registration_letter',
  'self_assessment_report',
  'notice_record',
  'comments_summary',
  'poll_report',
  'proposal_meeting_minutes',
  'construction_debt_report',
  'security_confirmation',
  'submission_letter',
  'photos',
  'sector_certification',
  'verification_report',
  'appraisal_report',
  'council_minutes',
  'revocation_assessment_report',
  'merger_status_report',
  'other',
] as const;
export const DocumentKindSchema = z
  .enum(DOCUMENT_KIND_VALUES)
  .describe('document kind from the dossier checklist');
export type DocumentKind = (typeof DOCUMENT_KIND_VALUES)[number];

/**
 * The file types a document may be uploaded as, sniffed from the content (never the name): PDF, scans and photos
 * (JPEG, PNG), office documents (DOCX, XLSX) and their open formats (ODT, ODS).
 */
export const DOCUMENT_MEDIA_TYPES = [
  'application/pdf',
  'image/jpeg',
  'image/png',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
] as const;
export const DocumentMediaTypeSchema = z
  .enum(DOCUMENT_MEDIA_TYPES)
  .describe('media type sniffed from the content');

/** Mã lý do trả hồ sơ — reason codes for returning a dossier for rework. */
export const RETURN_REASON_VALUES = [
  'CRITERION_NOT_MET',
  'DOCUMENT_MISSING',
  'DOCUMENT_INVALID',
  'DATA_MISMATCH',
  'POLL_INVALID',
  'OTHER',
] as const;

export const CriterionResult = z.strictObject({
  code: CriterionCode,
  value: z
    .union([z.number(), z.boolean(), ShortText])
    .optional()
    .describe("the checker's measured value, if any"),
  met: z.boolean().describe("whether the criterion is met in the checker's opinion"),
  note: ShortText.optional(),
});
