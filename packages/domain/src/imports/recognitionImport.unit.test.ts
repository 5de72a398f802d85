import { describe, expect, it } from 'vitest';
import { decisionKey, parseRecognitionCsv } from './recognitionImport.js';

const HEADER = 'unit_code,tier,decision_no,decided_on,year_recognised,signer,source_document';

describe('the recognition CSV template', () => {
  it('reads quoted fields, CRLF, a BOM and blank lines, each row with the line it starts on', () => {
    const text =
      `\uFEFF${HEADER}\r\n` +
      '02032,ntm,1/QĐ-UBND,30/12/2022,2022,"Nguyễn Văn A","hộp 1, tờ ""3"""\r\n' +
      '\r\n' +
      '02044,ntm,2/QĐ-UBND,2022-12-30,2022,B,"two\nlines"\r\n' +
      '02050,ntm,3/QĐ-UBND,2022-12-30,2022,C,D';
    const { rows, refusals } = parseRecognitionCsv(text);
    expect(refusals).toEqual([]);
    expect(rows.map((r) => r.line)).toEqual([2, 4, 6]);
    expect(rows[0]!.fields.source_document).toBe('hộp 1, tờ "3"');
    expect(rows[1]!.fields.source_document).toBe('two\nlines');
  });

  it('refuses another header, an empty file, an unclosed quote and a row of the wrong width', () => {
    expect(parseRecognitionCsv('a,b\n1,2\n').refusals.map((r) => [r.line, r.code])).toEqual([
      [1, 'IMPORT_FILE_INVALID'],
    ]);
    expect(parseRecognitionCsv(`${HEADER}\n`).refusals.map((r) => r.code)).toEqual(['IMPORT_FILE_INVALID']);
    expect(parseRecognitionCsv(`${HEADER}\n02032,"open`).refusals.map((r) => [r.line, r.code])).toEqual([
      [2, 'IMPORT_FILE_INVALID'],
    ]);
    expect(parseRecognitionCsv(`${HEADER}\n02032,ntm\n`).refusals.map((r) => [r.line, r.code])).toEqual([
      [2, 'IMPORT_ROW_INVALID'],
    ]);
  });

  it('treats decision numbers that differ only in case and spacing as the same decision', () => {
    expect(decisionKey('02032', 'ntm', '12 /qđ-UBND')).toBe(decisionKey('02032', 'ntm', '12/QĐ-UBND'));
    expect(decisionKey('02032', 'ntm', '12/QĐ-UBND')).not.toBe(
      decisionKey('02032', 'advanced', '12/QĐ-UBND'),
    );
  });
});
