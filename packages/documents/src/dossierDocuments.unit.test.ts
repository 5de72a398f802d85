/**
 * The dossier's documents rendered from its events and read back with an independent PDF reader (pdf.js): the
 * layout elements of Decree 30/2020, the numbers the counters gave, the units' names with their diacritics, and
 * the same bytes for the same events.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  addCalendarDays,
  addWorkingDays,
  loadBacKan,
  nationalCalendar,
  type DossierCommand,
} from '@ntm/domain';
import { ACTORS, at, communeJourney, journeyRecords, pdfText } from '@ntm/testing';
import {
  DOCUMENT_NAMES,
  documentExists,
  dossierDocument,
  renderDossierDocument,
  renderOfficialDocument,
  vietnamTime,
  type DocumentContext,
  type DocumentLayout,
} from './index.js';

const journey = communeJourney('ntm', 1);
const ctx: DocumentContext = {
  units: loadBacKan(),
  verificationUrl: (id) => `https://ntm.example.vn/dossiers/${id}/verify`,
};
const numbers = { dossierCode: '06-240426-0001', decisionNo: '07/QĐ-UBND' };
const untilType = (type: string) => journey.steps.findIndex((s) => s.command.type === type);
/** The journey with the decision left for the counter to number. */
const steps = journey.steps.map((s) => {
  if (s.command.type !== 'DecideRecognition') return s;
  const { decisionNo: _named, ...command } = s.command;
  return { ...s, command };
});
const all = journeyRecords('dossier-d1', steps, numbers);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const textOf = async (pdf: Buffer | undefined) => (await pdfText(pdf!)).text.replace(/\s+/g, ' ');

describe('dossier documents', () => {
  it('lays the decision out as Decree 30 asks, with its drawn number and the unit names in Vietnamese', async () => {
    const pdf = await renderDossierDocument('decision', all, ctx);
    const { text, info } = await pdfText(pdf!);
    const flat = text.replace(/\s+/g, ' ');
    for (const expected of [
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'ỦY BAN NHÂN DÂN',
      'TỈNH BẮC KẠN',
      'Số: 07/QĐ-UBND',
      'Bắc Kạn, ngày 30 tháng 05 năm 2024',
      'QUYẾT ĐỊNH',
      'Về việc công nhận xã Tân Lập, huyện Chợ Đồn đạt chuẩn nông thôn mới năm 2024',
      'CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH BẮC KẠN',
      'Điều 1.',
      'Nơi nhận:',
      'TM. ỦY BAN NHÂN DÂN',
      'mã 06-240426-0001',
    ])
      expect(flat).toContain(expected);
    expect(text.replace(/\s+/g, '')).toContain('https://ntm.example.vn/dossiers/commune-ntm-v1/verify');
    expect(info['Title']).toBe('Quyết định số 07/QĐ-UBND');
  });

  it('gives the same bytes for the same events (the creation date is the event’s)', async () => {
    const [a, b] = await Promise.all([1, 2].map(() => renderDossierDocument('decision', all, ctx)));
    expect(sha256(a!)).toBe(sha256(b!));
    const later = all.map((e) =>
      e.type === 'RecognitionDecided'
        ? { ...e, metadata: { ...e.metadata, occurredAt: '2024-05-31T02:00:00.000Z' } }
        : e,
    );
    expect(sha256((await renderDossierDocument('decision', later, ctx))!)).not.toBe(sha256(a!));
  });

  it('prints the receipt with the dossier code, the receipt time and the appointment in working days', async () => {
    const text = await textOf(await renderDossierDocument('receipt', all, ctx));
    expect(text).toContain('GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ');
    expect(text).toContain('Mã hồ sơ: 06-240426-0001');
    expect(text).toContain('09 giờ 00 phút, ngày 26/04/2024');
    expect(text).toMatch(
      /Thời gian trả kết quả giải quyết hồ sơ: ngày \d\d\/\d\d\/2024 \(\d+ ngày làm việc\)/,
    );
    expect(text).toContain('Ủy ban nhân dân xã Tân Lập');
  });

  it('prints the appraisal report and the council minutes with their figures', async () => {
    const report = await textOf(await renderDossierDocument('appraisal-report', all, ctx));
    expect(report).toContain('BÁO CÁO');
    expect(report).toMatch(/\d+\/\d+ tiêu chí đạt/);
    const minutes = await textOf(await renderDossierDocument('council-minutes', all, ctx));
    expect(minutes).toContain('BIÊN BẢN');
    expect(minutes).toContain('HỘI ĐỒNG THẨM ĐỊNH');
    expect(minutes).toMatch(/\d+\/\d+ phiếu tán thành/);
  });

  it('prints the apology letter (form 04) of a late dossier with the missed and the new return dates', async () => {
    const submitted = steps.slice(0, untilType('SubmitDossier') + 1);
    const scheduled = journeyRecords('dossier-d1', submitted, numbers).find(
      (e) => e.type === 'DeadlineScheduled',
    )!;
    const { deadlineId, dueOn } = scheduled.data as { deadlineId: string; dueOn: string };
    const late = addCalendarDays(dueOn, 1);
    const newReturnOn = addWorkingDays(late, 5, nationalCalendar());
    const apology = {
      type: 'IssueApology',
      dossierId: journey.dossierId,
      deadlineId,
      newReturnOn,
      reason: 'Chờ ý kiến của các sở, ngành',
      letterNo: '15/PXL-UBND',
    } as unknown as DossierCommand;
    const records = journeyRecords(
      'dossier-d1',
      [...submitted, { command: apology, ctx: { now: at(late), actor: ACTORS.districtVerifier } }],
      numbers,
    );
    expect(await renderDossierDocument('apology-letter', records.slice(0, -1), ctx)).toBeUndefined();
    const pdf = await renderDossierDocument('apology-letter', records, ctx);
    const text = await textOf(pdf);
    const dmy = (d: string) => d.split('-').reverse().join('/');
    for (const expected of [
      'ỦY BAN NHÂN DÂN',
      'HUYỆN CHỢ ĐỒN',
      'Số: 15/PXL-UBND',
      'PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ',
      'Mã hồ sơ: 06-240426-0001',
      'Ủy ban nhân dân huyện Chợ Đồn xin lỗi Ủy ban nhân dân xã Tân Lập',
      `quá hạn giải quyết so với ngày hẹn trả kết quả ${dmy(dueOn)}`,
      'Lý do: Chờ ý kiến của các sở, ngành.',
      `Chúng tôi xin hẹn lại ngày trả kết quả: ngày ${dmy(newReturnOn)}.`,
    ])
      expect(text).toContain(expected);
    expect((await pdfText(pdf!)).info['Title']).toBe('Phiếu xin lỗi và hẹn lại ngày trả kết quả');
  });

  it('has no document before its step, and a supplement request only once the dossier was returned', async () => {
    const submitted = all.slice(
      0,
      all.findIndex((e) => e.type === 'DossierSubmitted'),
    );
    for (const name of DOCUMENT_NAMES)
      expect(await renderDossierDocument(name, submitted, ctx)).toBeUndefined();
    expect(await renderDossierDocument('supplement-request', all, ctx)).toBeUndefined();
    const returnStep = journey.detours['returned'];
    expect(returnStep, 'the journey has a return detour').toBeDefined();
    const returned = journeyRecords(
      'dossier-d1',
      [...steps.slice(0, untilType('RecordVerification')), returnStep!.step],
      numbers,
    );
    const text = await textOf(await renderDossierDocument('supplement-request', returned, ctx));
    expect(text).toContain('PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ');
    expect(text).toContain('Mã hồ sơ: 06-240426-0001');
  });

  it('says which documents exist from the events alone, as rendering them would, at every revision', () => {
    const returned = journeyRecords(
      'dossier-d1',
      [...steps.slice(0, untilType('RecordVerification')), journey.detours['returned']!.step],
      numbers,
    );
    const submitted = steps.slice(0, untilType('SubmitDossier') + 1);
    const scheduled = journeyRecords('dossier-d1', submitted, numbers).find(
      (e) => e.type === 'DeadlineScheduled',
    )!;
    const { deadlineId, dueOn } = scheduled.data as { deadlineId: string; dueOn: string };
    const apology = {
      type: 'IssueApology',
      dossierId: journey.dossierId,
      deadlineId,
      newReturnOn: addWorkingDays(addCalendarDays(dueOn, 1), 5, nationalCalendar()),
      reason: 'Chờ ý kiến của các sở, ngành',
      letterNo: '15/PXL-UBND',
    } as unknown as DossierCommand;
    const late = journeyRecords('dossier-d1', [
      ...submitted,
      { command: apology, ctx: { now: at(addCalendarDays(dueOn, 1)), actor: ACTORS.districtVerifier } },
    ]);
    const seen = new Set<string>();
    for (const history of [
      all,
      returned,
      late,
      journeyRecords('dossier-d2', communeJourney('ntm', 2).steps),
    ]) {
      for (let n = 0; n <= history.length; n += 1) {
        const events = history.slice(0, n);
        for (const name of DOCUMENT_NAMES) {
          const exists = dossierDocument(name, events, ctx) !== undefined;
          expect(documentExists(name, events), `${name} after ${n} events`).toBe(exists);
          if (exists) seen.add(name);
        }
      }
    }
    // Every document was met at least once, so each answer was checked both ways.
    expect([...seen].sort()).toEqual([...DOCUMENT_NAMES].sort());
  });

  it('draws the visible signature stamp in the signature space, in Vietnamese, and says where it is', async () => {
    const doc = dossierDocument('decision', all, ctx)!;
    const signedAt = new Date('2024-05-30T03:04:05Z');
    const layout: DocumentLayout = {};
    const pdf = await renderOfficialDocument(
      { ...doc, stamp: { signer: 'Nguyễn Văn Chủ tịch', issuer: 'Ban Cơ yếu Chính phủ', signedAt } },
      layout,
    );
    const flat = await textOf(pdf);
    expect(vietnamTime(signedAt)).toBe('30/05/2024 10:04:05 (GMT+7)');
    for (const expected of [
      'Ký số bởi: Nguyễn Văn Chủ tịch',
      'Thời gian ký: 30/05/2024 10:04:05 (GMT+7)',
      'Chứng thư số do Ban Cơ yếu Chính phủ cấp',
    ])
      expect(flat).toContain(expected);
    // After the signature block's title, before the end of the page; in the right column, on the first page.
    expect(flat.indexOf('Ký số bởi')).toBeGreaterThan(flat.indexOf('CHỦ TỊCH', flat.indexOf('TM. ỦY BAN')));
    const [x1, y1, x2, y2] = layout.stampRect!;
    expect(x1).toBeGreaterThan(595.28 / 2 - 40);
    expect(x2).toBeLessThan(595.28);
    expect(y1).toBeGreaterThan(0);
    expect(y2).toBeGreaterThan(y1);
    // Without a stamp, the same document as before: the stamp is only drawn when asked for.
    expect(sha256(await renderOfficialDocument(doc))).toBe(
      sha256((await renderDossierDocument('decision', all, ctx))!),
    );
  });
});
