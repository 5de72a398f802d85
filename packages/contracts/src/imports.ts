/**
 * Lịch sử trước hệ thống — the events of an import of recognitions decided on paper before the engine (ADR 0027).
 * They live in their own streams (`recognition-import-…`), not in dossier streams: an imported decision had no
 * dossier in this engine, so it gets no workflow, no step and no deadline, only the facts of the decision, the date
 * it took effect and where it was read from. The envelope's `occurredAt` is when it was recorded here.
 */
import { z } from 'zod';
import { IsoDate, Sha256, ShortText, TierSchema, UnitCode, VillageId } from './primitives.js';

const Source = z
  .object({
    /** the file's name as given to the import (for the reader; the file is identified by its SHA-256) */
    file: ShortText,
    sha256: Sha256,
  })
  .describe('the file the rows were read from');

export const IMPORT_EVENT_SCHEMAS = {
  RecognitionImportStarted: {
    schemaVersion: 1,
    schema: z.object({
      source: Source,
      /** rows the file holds: the import is complete when that many `RecognitionImported` follow */
      rows: z.number().int().min(1),
      /** which attempt at this file (an abandoned attempt is never resumed: the next one starts over) */
      attempt: z.number().int().min(1),
    }),
  },
  RecognitionImported: {
    schemaVersion: 1,
    schema: z.object({
      imported: z.literal(true),
      /** the row's line in the file (1 is the header) */
      line: z.number().int().min(2),
      unitCode: z.union([UnitCode, VillageId]),
      kind: z.enum(['VILLAGE_NTM', 'COMMUNE_NTM', 'COMMUNE_ADVANCED', 'COMMUNE_MODEL']),
      communeCode: UnitCode,
      districtCode: UnitCode.optional(),
      provinceCode: UnitCode,
      tier: TierSchema,
      decisionNo: ShortText,
      /** the date the decision took effect (ngày ký quyết định) */
      decidedOn: IsoDate,
      /** the year it recognises ("đạt chuẩn năm …") */
      year: z.number().int().min(2000).max(2100),
      signer: ShortText,
      /** the paper the row was copied from (archive reference, gazette, scan) */
      sourceDocument: ShortText,
    }),
  },
  RecognitionImportCompleted: {
    schemaVersion: 1,
    schema: z.object({ rows: z.number().int().min(1) }),
  },
  RecognitionImportAbandoned: {
    schemaVersion: 1,
    schema: z.object({ rowsWritten: z.number().int().min(0), reason: ShortText }),
  },
} as const;

export type ImportEventType = keyof typeof IMPORT_EVENT_SCHEMAS;
export type ImportEventData<T extends ImportEventType> = z.infer<(typeof IMPORT_EVENT_SCHEMAS)[T]['schema']>;
export const IMPORT_EVENT_TYPES = Object.keys(IMPORT_EVENT_SCHEMAS) as ImportEventType[];
