/**
 * The documents a dossier's events give rise to, in Vietnamese, as `OfficialDocument`s: the receipt and appointment
 * slip (form 01 of Thông tư 01/2018/TT-VPCP), the request to supplement (form 02), the apology letter with the new
 * return date for a late dossier (form 04), the appraisal report, the
 * council minutes and the chairman's decision with its number. Everything printed comes from the events (the
 * dossier code and the decision number included); each document is dated by the event it stands for, and its
 * creation date is that event's instant, so the same log gives the same PDF. No personal name is printed: the
 * log holds none, and the signature is the digital one.
 */
import { liftEvent, type EventData, type TypedEvent } from '@ntm/contracts';
import { receivingAgency, vietnamDate, type Tier, type UnitRegistry } from '@ntm/domain';
import type { RecordedEvent } from '@ntm/event-store';
import type { OfficialDocument, Paragraph } from './officialDocument.js';

/** The documents served at `GET /dossiers/{id}/<name>.pdf`. */
export const DOCUMENT_NAMES = [
  'receipt',
  'supplement-request',
  'apology-letter',
  'appraisal-report',
  'council-minutes',
  'decision',
] as const;
export type DocumentName = (typeof DOCUMENT_NAMES)[number];

/** Each document's title, as the one-stop forms and Decree 30 name them, and in English. */
export const DOCUMENT_TITLES: Record<DocumentName, { vi: string; en: string }> = {
  receipt: { vi: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả', en: 'Receipt and appointment slip' },
  'supplement-request': {
    vi: 'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ',
    en: 'Request to supplement the dossier',
  },
  'apology-letter': {
    vi: 'Phiếu xin lỗi và hẹn lại ngày trả kết quả',
    en: 'Apology letter with the new return date (form 04)',
  },
  'appraisal-report': { vi: 'Báo cáo kết quả thẩm định', en: 'Appraisal report' },
  'council-minutes': { vi: 'Biên bản họp Hội đồng thẩm định', en: 'Minutes of the appraisal council' },
  decision: { vi: 'Quyết định', en: "The chairman's decision" },
};

/**
 * Whether the dossier whose events these are has the document `name` yet: the event each one is made from has
 * happened (for the receipt, the submission that gave the code). Only the events' types and data are read, so a
 * page can list the documents from the dossier's history without rendering any; `dossierDocument` answers the same
 * (a test checks it on whole journeys).
 */
export function documentExists(
  name: DocumentName,
  events: readonly { type: string; data: Record<string, unknown> }[],
): boolean {
  if (!events.some((e) => e.type === 'DossierOpened')) return false;
  switch (name) {
    case 'receipt':
      return events.some((e) => e.type === 'DossierSubmitted' && Boolean(e.data['dossierCode']));
    case 'supplement-request':
      return events.some((e) => e.type === 'DossierReturned');
    case 'apology-letter':
      return events.some((e) => e.type === 'ApologyIssued');
    case 'appraisal-report':
      return events.some((e) => e.type === 'AppraisalRecorded');
    case 'council-minutes':
      return events.some((e) => e.type === 'CouncilBallotRecorded');
    case 'decision':
      return events.some((e) => (DECISION_TYPES as readonly string[]).includes(e.type));
  }
}

export interface DocumentContext {
  units: UnitRegistry;
  /** the address printed as a QR code, where the dossier (and this document's hash) can be checked */
  verificationUrl: (dossierId: string) => string;
}

/** An event with its envelope, its data lifted to the current contract. */
interface Fact<T extends TypedEvent['type'] = TypedEvent['type']> {
  type: T;
  data: EventData<T>;
  recorded: RecordedEvent;
}

const DECISION_TYPES = [
  'RecognitionDecided',
  'RecognitionRefused',
  'RecognitionRevoked',
  'RecognitionKept',
  'AcknowledgementDecided',
] as const;
type DecisionType = (typeof DECISION_TYPES)[number];

const TIER_VI: Record<Tier, string> = {
  ntm: 'đạt chuẩn nông thôn mới',
  advanced: 'đạt chuẩn nông thôn mới nâng cao',
  model: 'đạt chuẩn nông thôn mới kiểu mẫu',
};

/** The document `name` of the dossier whose events are `events`; undefined while its step has not happened. */
export function dossierDocument(
  name: DocumentName,
  events: readonly RecordedEvent[],
  ctx: DocumentContext,
): OfficialDocument | undefined {
  const facts = events.map(lift);
  const opened = find(facts, 'DossierOpened');
  if (!opened) return undefined;
  const dossier = new DossierFacts(opened, facts, ctx);
  switch (name) {
    case 'receipt':
      return dossier.receipt();
    case 'supplement-request':
      return dossier.supplementRequest();
    case 'apology-letter':
      return dossier.apologyLetter();
    case 'appraisal-report':
      return dossier.appraisalReport();
    case 'council-minutes':
      return dossier.councilMinutes();
    case 'decision':
      return dossier.decision();
  }
}

function lift(recorded: RecordedEvent): Fact {
  const typed = liftEvent(recorded.type, recorded.schemaVersion, recorded.data);
  return { type: typed.type, data: typed.data, recorded };
}

function find<T extends TypedEvent['type']>(facts: readonly Fact[], type: T): Fact<T> | undefined {
  return facts.find((f): f is Fact<T> => f.type === type);
}

function findLast<T extends TypedEvent['type']>(facts: readonly Fact[], type: T): Fact<T> | undefined {
  return facts.findLast((f): f is Fact<T> => f.type === type);
}

/** The submission that gave the dossier its code (the first one, since codes exist). */
function coded(facts: readonly Fact[]): Fact<'DossierSubmitted'> | undefined {
  for (const fact of facts) {
    if (fact.type !== 'DossierSubmitted') continue;
    const submitted = fact as Fact<'DossierSubmitted'>;
    if (submitted.data.dossierCode) return submitted;
  }
  return undefined;
}

/** dd/mm/yyyy, as documents write dates in running text. */
function dmy(isoDate: string): string {
  const [year, month, day] = isoDate.split('-');
  return `${day}/${month}/${year}`;
}

const UNIT_TYPE = /^(Tỉnh|Thành phố|Huyện|Quận|Thị xã|Xã|Phường|Thị trấn|Thôn)\s+/u;
const withoutType = (name: string) => name.replace(UNIT_TYPE, '');
const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);
/** "xã Tân Lập": the unit's type in lower case, its name as it is, as running text writes it. */
const inText = (name: string) => name.replace(UNIT_TYPE, (type) => type.toLowerCase());

class DossierFacts {
  private readonly data: EventData<'DossierOpened'>;

  constructor(
    opened: Fact<'DossierOpened'>,
    private readonly facts: readonly Fact[],
    private readonly ctx: DocumentContext,
  ) {
    this.data = opened.data;
  }

  private get dossierId(): string {
    return this.data.dossierId;
  }

  /** The unit's name on `date` ("Xã Tân Lập"); a village is not in the registry: "Thôn <code>". */
  private unitName(code: string, date: string): string {
    return this.ctx.units.get(code, date)?.name ?? `Thôn ${code.split('-').slice(1).join('-') || code}`;
  }

  /** The dossier's unit with its commune (for a village) and district, as a decision names it. */
  private unitPhrase(date: string): string {
    const { unitCode, communeCode, districtCode } = this.data.scope;
    const parts = [this.unitName(unitCode, date)];
    if (communeCode !== unitCode) parts.push(this.unitName(communeCode, date));
    if (districtCode) parts.push(this.unitName(districtCode, date));
    return parts.map(inText).join(', ');
  }

  /** ["ỦY BAN NHÂN DÂN", "TỈNH BẮC KẠN"] for the unit `code` on `date`. */
  private committee(code: string, date: string): string[] {
    return ['ỦY BAN NHÂN DÂN', this.unitName(code, date).toUpperCase()];
  }

  private place(code: string, date: string): string {
    const unit = this.ctx.units.get(code, date);
    const province = unit?.type === 'province' ? unit : this.ctx.units.provinceOf(code, date);
    return withoutType(province.name);
  }

  private qr(caption: string): OfficialDocument['qr'] {
    return { text: this.ctx.verificationUrl(this.dossierId), caption };
  }

  private meta(title: string, recorded: RecordedEvent): OfficialDocument['meta'] {
    return {
      title,
      subject: `Hồ sơ ${this.dossierId}`,
      creationDate: new Date(recorded.metadata.occurredAt),
    };
  }

  private request(date: string): string {
    const tier = this.data.tier ?? 'ntm';
    const what = `${this.unitPhrase(date)} ${TIER_VI[tier]} năm ${this.data.year}`;
    return this.data.kind === 'REVOCATION'
      ? `Thu hồi quyết định công nhận ${what}`
      : `Xét, công nhận ${what}`;
  }

  /** Giấy tiếp nhận hồ sơ và hẹn trả kết quả (form 01): on the first submission that gave the dossier its code. */
  receipt(): OfficialDocument | undefined {
    const submitted = coded(this.facts);
    if (!submitted) return undefined;
    const at = submitted.recorded.metadata.occurredAt;
    const date = vietnamDate(at);
    const agency = receivingAgency(this.data);
    const time = new Intl.DateTimeFormat('vi-VN', {
      timeZone: 'Asia/Ho_Chi_Minh',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(new Date(at));
    // The appointment: the processing deadline the submission started (in working days), when the step has one.
    const deadline = this.facts.find(
      (f): f is Fact<'DeadlineScheduled'> =>
        f.type === 'DeadlineScheduled' &&
        f.recorded.revision > submitted.recorded.revision &&
        f.recorded.metadata.correlationId === submitted.recorded.metadata.correlationId,
    );
    const code = submitted.data.dossierCode!;
    return {
      issuer: this.committee(agency, date),
      place: this.place(agency, date),
      date,
      title: 'GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ',
      summary: `Mã hồ sơ: ${code}`,
      body: [
        {
          lead: 'Tiếp nhận hồ sơ của:',
          text: `Ủy ban nhân dân ${inText(this.unitName(this.data.scope.communeCode, date))}.`,
        },
        { lead: 'Nội dung yêu cầu giải quyết:', text: `${this.request(date)}.` },
        { lead: 'Tờ trình đề nghị:', text: `số ${submitted.data.letterNo}.` },
        { lead: 'Thời gian nhận hồ sơ:', text: `${time.replace(':', ' giờ ')} phút, ngày ${dmy(date)}.` },
        {
          lead: 'Thời gian trả kết quả giải quyết hồ sơ:',
          text: deadline
            ? `ngày ${dmy(deadline.data.dueOn)} (${deadline.data.workingDays} ngày làm việc).`
            : 'theo thời hạn giải quyết của thủ tục.',
        },
        {
          text:
            'Hồ sơ được tra cứu bằng mã hồ sơ hoặc mã QR trên giấy này; thời hạn giải quyết tạm dừng khi có ' +
            'yêu cầu bổ sung, hoàn thiện hồ sơ.',
        },
      ],
      recipients: [`Ủy ban nhân dân ${inText(this.unitName(this.data.scope.communeCode, date))}`],
      signature: ['NGƯỜI TIẾP NHẬN HỒ SƠ'],
      qr: this.qr(`Mã hồ sơ ${code}`),
      meta: this.meta(`Giấy tiếp nhận hồ sơ ${code}`, submitted.recorded),
    };
  }

  /** Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (form 02): on the latest return of the dossier. */
  supplementRequest(): OfficialDocument | undefined {
    const returned = findLast(this.facts, 'DossierReturned');
    if (!returned) return undefined;
    const date = vietnamDate(returned.recorded.metadata.occurredAt);
    const agency = receivingAgency(this.data);
    const code = this.dossierCode();
    return {
      issuer: this.committee(agency, date),
      place: this.place(agency, date),
      date,
      title: 'PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ',
      summary: code ? `Mã hồ sơ: ${code}` : undefined,
      body: [
        {
          text:
            `Hồ sơ đề nghị ${lowerFirst(this.request(date))} (lần ${returned.data.dossierVersion}) ` +
            'cần được bổ sung, hoàn thiện những nội dung sau:',
        },
        ...returned.data.reasons.map((r, i): Paragraph => ({
          lead: `${i + 1}.`,
          text: `${r.criterionCode ? `Tiêu chí ${r.criterionCode}: ` : ''}${r.detail}`,
        })),
        {
          text:
            'Thời hạn giải quyết tạm dừng từ ngày ghi trên phiếu này và được tính tiếp khi hồ sơ được nộp lại ' +
            'đầy đủ.',
        },
      ],
      recipients: [`Ủy ban nhân dân ${inText(this.unitName(this.data.scope.communeCode, date))}`],
      signature: ['NGƯỜI TIẾP NHẬN HỒ SƠ'],
      qr: this.qr(code ? `Mã hồ sơ ${code}` : 'Tra cứu hồ sơ'),
      meta: this.meta('Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ', returned.recorded),
    };
  }

  /**
   * Phiếu xin lỗi và hẹn lại ngày trả kết quả (form 04 of TT 01/2018/TT-VPCP): on the latest apology for a missed
   * deadline, from the office that missed it, to the commune, with the missed and the new return dates.
   */
  apologyLetter(): OfficialDocument | undefined {
    const apology = findLast(this.facts, 'ApologyIssued');
    if (!apology) return undefined;
    const date = vietnamDate(apology.recorded.metadata.occurredAt);
    const unit = apology.recorded.metadata.actor.unit;
    const code = this.dossierCode();
    const commune = `Ủy ban nhân dân ${inText(this.unitName(this.data.scope.communeCode, date))}`;
    const office = `Ủy ban nhân dân ${inText(this.unitName(unit, date))}`;
    return {
      issuer: this.committee(unit, date),
      number: apology.data.letterNo,
      place: this.place(unit, date),
      date,
      title: 'PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ',
      summary: code ? `Mã hồ sơ: ${code}` : undefined,
      body: [
        {
          text:
            `${office} xin lỗi ${commune} vì hồ sơ đề nghị ${lowerFirst(this.request(date))}` +
            `${code ? ` (mã hồ sơ ${code})` : ''} đã quá hạn giải quyết so với ngày hẹn trả kết quả ` +
            `${dmy(apology.data.missedDueOn)}.`,
        },
        { lead: 'Lý do:', text: `${apology.data.reason.replace(/\.$/, '')}.` },
        { text: 'Sự chậm trễ này đã gây phiền hà, tốn kém chi phí đi lại của Quý cơ quan.' },
        {
          lead: 'Chúng tôi xin hẹn lại ngày trả kết quả:',
          text: `ngày ${dmy(apology.data.newReturnOn)}.`,
        },
        { text: 'Kính mong nhận được sự thông cảm của Quý cơ quan.' },
      ],
      recipients: [commune],
      signature: ['THỦ TRƯỞNG CƠ QUAN'],
      qr: this.qr(code ? `Mã hồ sơ ${code}` : 'Tra cứu hồ sơ'),
      meta: this.meta('Phiếu xin lỗi và hẹn lại ngày trả kết quả', apology.recorded),
    };
  }

  /** Báo cáo kết quả thẩm định hồ sơ: on the latest appraisal. */
  appraisalReport(): OfficialDocument | undefined {
    const appraisal = findLast(this.facts, 'AppraisalRecorded');
    if (!appraisal) return undefined;
    const date = vietnamDate(appraisal.recorded.metadata.occurredAt);
    const unit = appraisal.recorded.metadata.actor.unit;
    const { criteria, complete, fieldCheck } = appraisal.data;
    const met = criteria.filter((c) => c.met).length;
    return {
      issuer: ['ỦY BAN NHÂN DÂN', this.unitName(unit, date).toUpperCase()],
      number: appraisal.data.reportNo,
      place: this.place(unit, date),
      date,
      title: 'BÁO CÁO',
      summary: `Kết quả thẩm định hồ sơ đề nghị ${lowerFirst(this.request(date))}`,
      body: [
        { lead: '1. Về hồ sơ:', text: complete ? 'hồ sơ đầy đủ theo quy định.' : 'hồ sơ chưa đầy đủ.' },
        {
          lead: '2. Kiểm tra thực tế:',
          text: `ngày ${dmy(fieldCheck.heldOn)}, kết quả: ${fieldCheck.passed ? 'đạt' : 'chưa đạt'}.`,
        },
        {
          lead: '3. Kết quả thẩm định các tiêu chí:',
          text: `${met}/${criteria.length} tiêu chí đạt.`,
        },
        ...criteria.map((c): Paragraph => ({
          text: `Tiêu chí ${c.code}: ${c.met ? 'đạt' : 'chưa đạt'}${c.note ? ` (${c.note})` : ''}.`,
        })),
      ],
      recipients: ['Hội đồng thẩm định', 'Văn phòng Điều phối nông thôn mới tỉnh'],
      signature: ['CƠ QUAN THẨM ĐỊNH'],
      qr: this.qr('Tra cứu hồ sơ'),
      meta: this.meta(`Báo cáo thẩm định ${appraisal.data.reportNo}`, appraisal.recorded),
    };
  }

  /** Biên bản họp Hội đồng thẩm định: on the latest council ballot. */
  councilMinutes(): OfficialDocument | undefined {
    const ballot = findLast(this.facts, 'CouncilBallotRecorded');
    if (!ballot) return undefined;
    const date = vietnamDate(ballot.recorded.metadata.occurredAt);
    const unit = ballot.recorded.metadata.actor.unit;
    const b = ballot.data;
    const present = b.presentMemberIds.length;
    const voting = present - new Set(b.recusedMemberIds).size;
    return {
      issuer: ['ỦY BAN NHÂN DÂN', this.unitName(unit, date).toUpperCase(), 'HỘI ĐỒNG THẨM ĐỊNH'],
      place: this.place(unit, date),
      date,
      title: 'BIÊN BẢN',
      summary: `Họp Hội đồng thẩm định hồ sơ đề nghị ${lowerFirst(this.request(date))}`,
      body: [
        { lead: 'Thời gian:', text: `ngày ${dmy(b.heldOn)}.` },
        {
          lead: 'Thành phần:',
          text: `${present}/${b.membersTotal} thành viên Hội đồng có mặt; ${present - voting} thành viên không tham gia biểu quyết.`,
        },
        {
          lead: 'Kết quả bỏ phiếu:',
          text:
            `${b.for}/${voting} phiếu tán thành, ${b.against} phiếu không tán thành, ${b.blank} phiếu trắng ` +
            `(tỷ lệ cần đạt: ${Math.round(b.approvalShare.share * 100)}%).`,
        },
        {
          lead: 'Kết luận:',
          text: b.approved
            ? 'Hội đồng thẩm định đề nghị Chủ tịch Ủy ban nhân dân xem xét, quyết định công nhận.'
            : 'Hội đồng thẩm định không đề nghị công nhận.',
        },
      ],
      recipients: ['Thành viên Hội đồng thẩm định', 'Văn phòng Điều phối nông thôn mới tỉnh'],
      signature: ['THƯ KÝ HỘI ĐỒNG'],
      qr: this.qr('Tra cứu hồ sơ'),
      meta: this.meta('Biên bản họp Hội đồng thẩm định', ballot.recorded),
    };
  }

  /** Quyết định: the chairman's decision, with the number drawn from the issuer's counter. */
  decision(): OfficialDocument | undefined {
    const decided = this.facts.findLast((f): f is Fact<DecisionType> =>
      (DECISION_TYPES as readonly string[]).includes(f.type),
    );
    if (!decided) return undefined;
    const date = decided.data.decidedOn;
    const { metadata } = decided.recorded;
    const issuer = (metadata.onBehalfOf ?? metadata.actor).unit;
    const issuerName = this.unitName(issuer, date);
    const unit = this.unitPhrase(date);
    const tier = ('tier' in decided.data && decided.data.tier) || this.data.tier || 'ntm';
    const year = 'year' in decided.data && decided.data.year ? decided.data.year : this.data.year;
    const standing = `${TIER_VI[tier]} năm ${year}`;
    const [summary, article1] = decisionWording(decided, unit, standing);
    const submitted = find(this.facts, 'DossierSubmitted');
    const code = this.dossierCode();
    return {
      issuer: this.committee(issuer, date),
      number: decided.data.decisionNo,
      place: this.place(issuer, date),
      date,
      title: 'QUYẾT ĐỊNH',
      summary,
      authority: `CHỦ TỊCH ỦY BAN NHÂN DÂN ${issuerName.toUpperCase()}`,
      body: [
        { text: 'Căn cứ Luật Tổ chức chính quyền địa phương;' },
        {
          text:
            'Căn cứ quy định về điều kiện, trình tự, thủ tục, hồ sơ xét, công nhận, công bố và thu hồi quyết ' +
            'định công nhận địa phương đạt chuẩn nông thôn mới, đạt chuẩn nông thôn mới nâng cao, đạt chuẩn ' +
            'nông thôn mới kiểu mẫu;',
        },
        {
          text:
            `Xét hồ sơ${code ? ` mã ${code}` : ''}` +
            `${submitted ? ` kèm Tờ trình số ${submitted.data.letterNo}` : ''}` +
            `${decided.data.reasons ? `; ${decided.data.reasons}` : ''}.`,
        },
        { heading: true, text: 'QUYẾT ĐỊNH:' },
        { lead: 'Điều 1.', text: article1 },
        { lead: 'Điều 2.', text: 'Quyết định này có hiệu lực kể từ ngày ký.' },
        {
          lead: 'Điều 3.',
          text:
            `Chánh Văn phòng Ủy ban nhân dân ${inText(issuerName)}, Chánh Văn phòng Điều phối nông thôn mới, ` +
            `Chủ tịch Ủy ban nhân dân ${inText(this.unitName(this.data.scope.communeCode, date))} và các ` +
            'cơ quan, đơn vị có liên quan chịu trách nhiệm thi hành Quyết định này.',
        },
      ],
      recipients: ['Như Điều 3', 'Văn phòng Điều phối nông thôn mới Trung ương'],
      signature: ['TM. ỦY BAN NHÂN DÂN', 'CHỦ TỊCH'],
      qr: this.qr(`Quyết định số ${decided.data.decisionNo}`),
      meta: this.meta(`Quyết định số ${decided.data.decisionNo}`, decided.recorded),
    };
  }

  private dossierCode(): string | undefined {
    return coded(this.facts)?.data.dossierCode;
  }
}

/** The summary (trích yếu) and article 1 of a decision. */
function decisionWording(decided: Fact<DecisionType>, unit: string, standing: string): [string, string] {
  const Unit = unit.charAt(0).toUpperCase() + unit.slice(1);
  switch (decided.type) {
    case 'RecognitionDecided':
      return [`Về việc công nhận ${unit} ${standing}`, `Công nhận ${unit} ${standing}.`];
    case 'RecognitionRefused':
      return [
        `Về việc chưa công nhận ${unit} ${standing}`,
        `Chưa công nhận ${unit} ${standing}. ${Unit} tiếp tục hoàn thiện các tiêu chí theo quy định.`,
      ];
    case 'RecognitionRevoked':
      return [
        `Về việc thu hồi quyết định công nhận ${unit} ${standing}`,
        `Thu hồi quyết định công nhận ${unit} ${standing}.`,
      ];
    case 'RecognitionKept':
      return [
        `Về việc giữ quyết định công nhận ${unit} ${standing}`,
        `Không thu hồi quyết định công nhận ${unit} ${standing}.`,
      ];
    case 'AcknowledgementDecided':
      return decided.data.outcome === 'acknowledge'
        ? [`Về việc thừa nhận ${unit} ${standing}`, `Thừa nhận ${unit} ${standing}.`]
        : [`Về việc chưa thừa nhận ${unit} ${standing}`, `Chưa thừa nhận ${unit} ${standing}.`];
  }
}
