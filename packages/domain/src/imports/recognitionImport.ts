/**
 * Nhập lịch sử công nhận — recognitions decided on paper before the engine, read from a CSV file and judged here
 * (ADR 0027): every row is checked against the unit registry on the decision's date, the file itself and the
 * decisions already on record, and the whole file is refused when any row is wrong, each refusal with its line. Pure:
 * the clock, the registry and what is already recorded come in; the application appends the events.
 */
import type { ImportEventData } from '@ntm/contracts';
import type { Tier } from '../model.js';
import { TIERS } from '../model.js';
import { vietnamDate } from '../reference/calendar/overdue.js';
import type { UnitRegistry } from '../reference/units/UnitRegistry.js';

/** The template's columns, in order (docs/audit.md#history-from-before-the-engine). */
export const RECOGNITION_CSV_COLUMNS = [
  'unit_code',
  'tier',
  'decision_no',
  'decided_on',
  'year_recognised',
  'signer',
  'source_document',
] as const;
type Column = (typeof RECOGNITION_CSV_COLUMNS)[number];

/** One data row of the file, as text, with the line it starts on (the header is line 1). */
export interface CsvRow {
  line: number;
  fields: Record<Column, string>;
}

export type ImportRefusalCode =
  | 'IMPORT_FILE_INVALID'
  | 'IMPORT_ROW_INVALID'
  | 'IMPORT_UNIT_UNKNOWN'
  | 'IMPORT_UNIT_NOT_VALID_ON_DATE'
  | 'IMPORT_UNIT_NOT_ELIGIBLE'
  | 'IMPORT_DATE_IN_FUTURE'
  | 'IMPORT_DECISION_DUPLICATE_IN_FILE'
  | 'IMPORT_DECISION_ALREADY_RECORDED';

/** Why a row (or the file, line 1) cannot be imported, in English and Vietnamese. */
export interface ImportRefusal {
  line: number;
  code: ImportRefusalCode;
  en: string;
  vi: string;
}

export type ImportedRow = ImportEventData<'RecognitionImported'>;

const refusal = (line: number, code: ImportRefusalCode, en: string, vi: string): ImportRefusal => ({
  line,
  code,
  en,
  vi,
});

/**
 * RFC 4180 CSV (comma, double quotes, CRLF or LF, an optional UTF-8 BOM) into rows keyed by the template's header.
 * Blank lines are skipped; a record's line is the line it starts on, as an editor shows it.
 */
export function parseRecognitionCsv(text: string): { rows: CsvRow[]; refusals: ImportRefusal[] } {
  const records: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRecord = () => {
    cells.push(cell);
    if (!(cells.length === 1 && cells[0]!.trim() === '')) records.push({ line: start, cells });
    cells = [];
    cell = '';
  };
  for (; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line += 1;
        cell += c;
      }
    } else if (c === '"' && cell.trim() === '') {
      cell = '';
      quoted = true;
    } else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      endRecord();
      line += 1;
      start = line;
    } else cell += c;
  }
  if (quoted)
    return {
      rows: [],
      refusals: [
        refusal(
          start,
          'IMPORT_FILE_INVALID',
          'a quoted field is never closed',
          'trường trong ngoặc kép không đóng',
        ),
      ],
    };
  if (cell !== '' || cells.length > 0) endRecord();
  const [header, ...data] = records;
  const expected = RECOGNITION_CSV_COLUMNS.join(',');
  if (!header || header.cells.map((h) => h.trim()).join(',') !== expected)
    return {
      rows: [],
      refusals: [
        refusal(
          1,
          'IMPORT_FILE_INVALID',
          `the first line must be the template's header: ${expected}`,
          `dòng đầu phải là tiêu đề của mẫu: ${expected}`,
        ),
      ],
    };
  if (data.length === 0)
    return {
      rows: [],
      refusals: [refusal(1, 'IMPORT_FILE_INVALID', 'the file has no row', 'tệp không có dòng dữ liệu')],
    };
  const rows: CsvRow[] = [];
  const refusals: ImportRefusal[] = [];
  for (const r of data) {
    if (r.cells.length !== RECOGNITION_CSV_COLUMNS.length) {
      refusals.push(
        refusal(
          r.line,
          'IMPORT_ROW_INVALID',
          `${r.cells.length} fields, the template has ${RECOGNITION_CSV_COLUMNS.length}`,
          `có ${r.cells.length} trường, mẫu có ${RECOGNITION_CSV_COLUMNS.length}`,
        ),
      );
      continue;
    }
    const fields = Object.fromEntries(
      RECOGNITION_CSV_COLUMNS.map((name, k) => [name, r.cells[k]!.normalize('NFC').trim()]),
    ) as Record<Column, string>;
    rows.push({ line: r.line, fields });
  }
  return { rows, refusals };
}

/**
 * The key that makes a decision about a unit a duplicate: the same decision number (case and spacing aside)
 * recognising the same unit at the same tier. One decision may recognise several units; a unit may hold several
 * decisions (recognised again after a revocation).
 */
export function decisionKey(unitCode: string, tier: string, decisionNo: string): string {
  return `${unitCode}|${tier}|${normaliseDecisionNo(decisionNo)}`;
}

function normaliseDecisionNo(decisionNo: string): string {
  return decisionNo.normalize('NFC').replace(/\s+/g, '').toUpperCase();
}

/** dd/mm/yyyy (the Vietnamese way, as on the paper) or yyyy-mm-dd, as an ISO date; undefined if neither or no such day. */
function isoDateOf(text: string): string | undefined {
  const vn = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  const iso = vn
    ? `${vn[3]}-${vn[2]!.padStart(2, '0')}-${vn[1]!.padStart(2, '0')}`
    : /^\d{4}-\d{2}-\d{2}$/.test(text)
      ? text
      : undefined;
  if (iso === undefined) return undefined;
  const ms = Date.parse(`${iso}T00:00:00Z`);
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== iso ? undefined : iso;
}

const UNIT = /^(\d{5})(-[a-z0-9-]{1,40})?$/;

export interface ImportContext {
  /** the injected clock: a decision dated after today (in Vietnam) is refused */
  now: string | Date;
  units: UnitRegistry;
  /** `decisionKey`s of the decisions already on record (dossiers' and earlier imports') */
  recorded: ReadonlySet<string>;
}

/**
 * Judges a whole file: every row becomes a `RecognitionImported` event's data, or the file is refused with every
 * refusal found (all rows are checked, so one run lists everything to fix).
 */
export function decideRecognitionImport(
  rows: readonly CsvRow[],
  ctx: ImportContext,
): { ok: true; rows: ImportedRow[] } | { ok: false; refusals: ImportRefusal[] } {
  const today = vietnamDate(ctx.now);
  const refusals: ImportRefusal[] = [];
  const imported: ImportedRow[] = [];
  const seen = new Map<string, number>();
  for (const { line, fields: f } of rows) {
    const bad = (en: string, vi: string) => refusals.push(refusal(line, 'IMPORT_ROW_INVALID', en, vi));
    const unit = UNIT.exec(f.unit_code);
    const tier = f.tier as Tier;
    const decidedOn = isoDateOf(f.decided_on);
    const year = /^\d{4}$/.test(f.year_recognised) ? Number(f.year_recognised) : undefined;
    const missing = RECOGNITION_CSV_COLUMNS.filter((c) => f[c] === '');
    if (missing.length > 0) {
      bad(`empty field(s): ${missing.join(', ')}`, `trường trống: ${missing.join(', ')}`);
      continue;
    }
    const long = RECOGNITION_CSV_COLUMNS.filter((c) => f[c].length > 200);
    if (long.length > 0) {
      bad(
        `field(s) longer than 200 characters: ${long.join(', ')}`,
        `trường dài quá 200 ký tự: ${long.join(', ')}`,
      );
      continue;
    }
    if (!unit) {
      bad(
        `unit_code ${f.unit_code} is not a commune code (5 digits) or a village id (<commune>-<key>)`,
        `unit_code ${f.unit_code} không phải mã xã (5 chữ số) hoặc mã thôn (<mã xã>-<khóa>)`,
      );
      continue;
    }
    if (!(TIERS as readonly string[]).includes(tier)) {
      bad(
        `tier ${f.tier} is not ntm, advanced or model`,
        `mức ${f.tier} không phải ntm, advanced hoặc model`,
      );
      continue;
    }
    const village = unit[2] !== undefined;
    if (village && tier !== 'ntm') {
      bad('a village is recognised at the ntm tier only', 'thôn chỉ được công nhận ở mức ntm');
      continue;
    }
    if (decidedOn === undefined) {
      bad(
        `decided_on ${f.decided_on} is not a date (dd/mm/yyyy or yyyy-mm-dd)`,
        `decided_on ${f.decided_on} không phải ngày (dd/mm/yyyy hoặc yyyy-mm-dd)`,
      );
      continue;
    }
    if (year === undefined || year < 2000 || year > Number(decidedOn.slice(0, 4))) {
      bad(
        `year_recognised ${f.year_recognised} must be a year from 2000 to the decision's year`,
        `year_recognised ${f.year_recognised} phải là năm từ 2000 đến năm của quyết định`,
      );
      continue;
    }
    if (decidedOn > today) {
      refusals.push(
        refusal(
          line,
          'IMPORT_DATE_IN_FUTURE',
          `decided_on ${decidedOn} is after today (${today})`,
          `ngày quyết định ${decidedOn} sau ngày hôm nay (${today})`,
        ),
      );
      continue;
    }
    const kind = village
      ? 'VILLAGE_NTM'
      : ({ ntm: 'COMMUNE_NTM', advanced: 'COMMUNE_ADVANCED', model: 'COMMUNE_MODEL' } as const)[tier];
    const communeCode = unit[1]!;
    const eligibility = ctx.units.eligibility(f.unit_code, kind, decidedOn);
    if (!eligibility.eligible) {
      const code =
        eligibility.code === 'UNIT_UNKNOWN'
          ? 'IMPORT_UNIT_UNKNOWN'
          : eligibility.code === 'UNIT_NOT_VALID_ON_DATE'
            ? 'IMPORT_UNIT_NOT_VALID_ON_DATE'
            : 'IMPORT_UNIT_NOT_ELIGIBLE';
      const vi = {
        IMPORT_UNIT_UNKNOWN: `mã đơn vị ${communeCode} không có trong danh mục`,
        IMPORT_UNIT_NOT_VALID_ON_DATE: `đơn vị ${communeCode} không tồn tại vào ngày ${decidedOn}`,
        IMPORT_UNIT_NOT_ELIGIBLE: `đơn vị ${communeCode} không phải là xã vào ngày ${decidedOn}`,
      }[code];
      refusals.push(refusal(line, code, eligibility.reason, vi));
      continue;
    }
    const key = decisionKey(f.unit_code, tier, f.decision_no);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      refusals.push(
        refusal(
          line,
          'IMPORT_DECISION_DUPLICATE_IN_FILE',
          `decision ${f.decision_no} for ${f.unit_code} (${tier}) is already on line ${earlier}`,
          `quyết định ${f.decision_no} cho ${f.unit_code} (${tier}) đã có ở dòng ${earlier}`,
        ),
      );
      continue;
    }
    seen.set(key, line);
    if (ctx.recorded.has(key)) {
      refusals.push(
        refusal(
          line,
          'IMPORT_DECISION_ALREADY_RECORDED',
          `decision ${f.decision_no} for ${f.unit_code} (${tier}) is already recorded`,
          `quyết định ${f.decision_no} cho ${f.unit_code} (${tier}) đã được ghi nhận`,
        ),
      );
      continue;
    }
    const district = ctx.units.districtOf(communeCode, decidedOn);
    imported.push({
      imported: true,
      line,
      unitCode: f.unit_code,
      kind,
      communeCode,
      ...(district ? { districtCode: district.code } : {}),
      provinceCode: ctx.units.provinceOf(communeCode, decidedOn).code,
      tier,
      decisionNo: f.decision_no,
      decidedOn,
      year,
      signer: f.signer,
      sourceDocument: f.source_document,
    });
  }
  return refusals.length > 0 ? { ok: false, refusals } : { ok: true, rows: imported };
}
