/**
 * An administrative document in the layout of Decree 30/2020/NĐ-CP (Appendix I): A4, the issuing body and the
 * number top left, the national motto top right with the place and date under it, the title and its summary
 * centred, the body, the recipients ("Nơi nhận") bottom left and the signature block bottom right. Liberation
 * Serif (metric-compatible with Times New Roman, SIL OFL 1.1, `fonts/OFL.txt`) is embedded, so Vietnamese
 * diacritics render anywhere. The output depends only on its input: the creation date is the event's, nothing is
 * random, and the same document gives the same bytes (and hash).
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type PDFDocument from 'pdfkit';

/** One paragraph of the body; `heading` ones are centred and bold ("QUYẾT ĐỊNH:"), `lead` starts in bold. */
export interface Paragraph {
  text: string;
  heading?: boolean;
  /** a bold opening ("Điều 1.") followed by `text` */
  lead?: string;
}

/** What a document says; `renderOfficialDocument` lays it out. */
export interface OfficialDocument {
  /** issuing body, line by line, e.g. ["ỦY BAN NHÂN DÂN", "TỈNH BẮC KẠN"] (the last line is bold) */
  issuer: string[];
  /** "Số: 01/QĐ-UBND"; absent on forms that carry a code instead */
  number?: string | undefined;
  /** the place, as the date line names it ("Bắc Kạn") */
  place: string;
  /** ISO date (yyyy-mm-dd) the document is dated */
  date: string;
  /** "QUYẾT ĐỊNH", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" */
  title: string;
  /** the summary under the title (trích yếu) */
  summary?: string | undefined;
  /** the authority line of a decision ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH BẮC KẠN") */
  authority?: string | undefined;
  body: Paragraph[];
  /** "Nơi nhận" entries; "Lưu: VT" is added */
  recipients: string[];
  /** signature block, line by line ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"); the space below it is left for the signature */
  signature: string[];
  /**
   * The visible digital signature (ký số), drawn in a frame in the space under the signature block, where the
   * signer's signature would stand on paper. It is part of the page content, so the signature that follows covers it.
   */
  stamp?: SignatureStamp | undefined;
  /** encoded as a QR code with its text beside it (the verification address) */
  qr?: { text: string; caption: string } | undefined;
  /** document metadata */
  meta: { title: string; subject: string; creationDate: Date };
}

/** What the visible signature says: who signed (the certificate's name), when, and whose certificate it is. */
export interface SignatureStamp {
  signer: string;
  signedAt: Date;
  /** the certification authority that issued the signer's certificate */
  issuer: string;
}

/** Where a document's parts landed, for the signature widget: PDF user space (points, origin bottom left). */
export interface DocumentLayout {
  /** the stamp's frame [x1, y1, x2, y2], when the stamp is on the first page (a widget goes on the first page) */
  stampRect?: [number, number, number, number];
}

/** "02/04/2024 10:00:00 (GMT+7)": the signing time as a Vietnamese reader reads it, in Vietnam time. */
export function vietnamTime(instant: Date): string {
  const t = new Date(instant.getTime() + 7 * 3600_000).toISOString();
  return `${t.slice(8, 10)}/${t.slice(5, 7)}/${t.slice(0, 4)} ${t.slice(11, 19)} (GMT+7)`;
}

/** The stamp's lines: "Ký số bởi: …", "Thời gian ký: …", "Chứng thư số do … cấp". */
export function stampLines(stamp: SignatureStamp): string[] {
  return [
    `Ký số bởi: ${stamp.signer}`,
    `Thời gian ký: ${vietnamTime(stamp.signedAt)}`,
    `Chứng thư số do ${stamp.issuer} cấp`,
  ];
}

const FONT_DIR = fileURLToPath(new URL('../fonts/', import.meta.url));
const FONTS = {
  regular: `${FONT_DIR}LiberationSerif-Regular.ttf`,
  bold: `${FONT_DIR}LiberationSerif-Bold.ttf`,
  italic: `${FONT_DIR}LiberationSerif-Italic.ttf`,
};
/**
 * The font files, read once: they never change while the process runs, and a decision is rendered per signing.
 * (pdfkit still parses and subsets them per document: it offers no way to share a parsed font.)
 */
let fontBytes: Promise<Record<keyof typeof FONTS, Buffer>> | undefined;
const loadFonts = () =>
  (fontBytes ??= Promise.all(
    (Object.keys(FONTS) as (keyof typeof FONTS)[]).map(async (k) => [k, await readFile(FONTS[k])] as const),
  ).then((entries) => Object.fromEntries(entries) as Record<keyof typeof FONTS, Buffer>));

const MM = 72 / 25.4;
/** Decree 30: top and bottom 20-25 mm, left 30-35 mm, right 15-20 mm. */
const MARGIN = { top: 20 * MM, bottom: 20 * MM, left: 30 * MM, right: 15 * MM };
const A4 = { width: 595.28, height: 841.89 };
const WIDTH = A4.width - MARGIN.left - MARGIN.right;
const LEFT_COLUMN = WIDTH * 0.4;
const RIGHT_COLUMN = WIDTH - LEFT_COLUMN;

/** "Bắc Kạn, ngày 26 tháng 04 năm 2024" (Decree 30: days and months below 10 written with a leading 0). */
export function placeAndDate(place: string, isoDate: string): string {
  const [year, month, day] = isoDate.split('-');
  return `${place}, ngày ${day} tháng ${month} năm ${year}`;
}

/** Renders the document as a PDF; `layout` is filled with where the stamp went. */
export async function renderOfficialDocument(
  doc: OfficialDocument,
  layout: DocumentLayout = {},
): Promise<Buffer> {
  // Loaded on the first render, not with the service: most processes never render (and pdfkit with fontkit is a
  // large part of the embedded default's start-up and memory).
  const [{ default: PDFKitDocument }, { default: QRCode }] = await Promise.all([
    import('pdfkit'),
    import('qrcode'),
  ]);
  const qr = doc.qr
    ? await QRCode.toBuffer(doc.qr.text, { type: 'png', margin: 1, errorCorrectionLevel: 'M', width: 160 })
    : undefined;
  const fonts = await loadFonts();
  const pdf = new PDFKitDocument({
    // No default font: every text sets one of the embedded fonts, and pdfkit would parse Helvetica's metrics.
    font: null as unknown as string,
    size: 'A4',
    margins: MARGIN,
    info: {
      Title: doc.meta.title,
      Subject: doc.meta.subject,
      Creator: 'NTM dossier engine',
      Producer: 'NTM dossier engine (pdfkit)',
      CreationDate: doc.meta.creationDate,
      ModDate: doc.meta.creationDate,
    },
    lang: 'vi-VN',
    displayTitle: true,
  });
  const chunks: Buffer[] = [];
  pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    pdf.on('end', resolve);
    pdf.on('error', reject);
  });
  pdf.registerFont('regular', fonts.regular);
  pdf.registerFont('bold', fonts.bold);
  pdf.registerFont('italic', fonts.italic);

  header(pdf, doc);
  title(pdf, doc);
  body(pdf, doc.body);
  let pages = 1;
  pdf.on('pageAdded', () => (pages += 1));
  closing(pdf, doc, qr, (rect) => {
    if (pages === 1) layout.stampRect = rect;
  });

  pdf.end();
  await ended;
  return Buffer.concat(chunks);
}

type Pdf = InstanceType<typeof PDFDocument>;

/** Issuer and number (left), motto, place and date (right). */
function header(pdf: Pdf, doc: OfficialDocument): void {
  const top = MARGIN.top;
  const left = MARGIN.left;
  const right = left + LEFT_COLUMN;
  // Left: the issuing body, its name in bold with a short rule under it, then the number.
  let y = top;
  doc.issuer.forEach((line, i) => {
    const last = i === doc.issuer.length - 1;
    pdf.font(last ? 'bold' : 'regular').fontSize(12.5);
    pdf.text(line.toUpperCase(), left, y, { width: LEFT_COLUMN, align: 'center' });
    y = pdf.y;
  });
  rule(pdf, left + LEFT_COLUMN / 2, y + 2, 50);
  y += 10;
  if (doc.number) {
    pdf
      .font('regular')
      .fontSize(13)
      .text(`Số: ${doc.number}`, left, y, { width: LEFT_COLUMN, align: 'center' });
    y = pdf.y;
  }
  const leftBottom = y;
  // Right: the national motto (quốc hiệu, tiêu ngữ), a rule as long as the motto, the place and date in italics.
  pdf.font('bold').fontSize(12.5);
  pdf.text('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', right, top, { width: RIGHT_COLUMN, align: 'center' });
  pdf.font('bold').fontSize(13.5);
  const motto = 'Độc lập - Tự do - Hạnh phúc';
  pdf.text(motto, right, pdf.y, { width: RIGHT_COLUMN, align: 'center' });
  rule(pdf, right + RIGHT_COLUMN / 2, pdf.y + 2, pdf.widthOfString(motto));
  pdf.font('italic').fontSize(13);
  pdf.text(placeAndDate(doc.place, doc.date), right, pdf.y + 10, { width: RIGHT_COLUMN, align: 'center' });
  pdf.y = Math.max(pdf.y, leftBottom) + 18;
}

function title(pdf: Pdf, doc: OfficialDocument): void {
  const at = { width: WIDTH, align: 'center' as const };
  pdf.font('bold').fontSize(14).text(doc.title, MARGIN.left, pdf.y, at);
  if (doc.summary)
    pdf
      .font('bold')
      .fontSize(14)
      .text(doc.summary, MARGIN.left, pdf.y + 2, at);
  if (doc.summary) rule(pdf, MARGIN.left + WIDTH / 2, pdf.y + 2, 90);
  if (doc.authority)
    pdf
      .font('bold')
      .fontSize(14)
      .text(doc.authority, MARGIN.left, pdf.y + 14, at);
  pdf.moveDown(1);
}

function body(pdf: Pdf, paragraphs: Paragraph[]): void {
  for (const p of paragraphs) {
    if (p.heading) {
      pdf
        .font('bold')
        .fontSize(14)
        .text(p.text, MARGIN.left, pdf.y + 4, { width: WIDTH, align: 'center' });
      pdf.moveDown(0.3);
      continue;
    }
    const options = { width: WIDTH, align: 'justify' as const, indent: 10 * MM, paragraphGap: 6, lineGap: 1 };
    if (p.lead) {
      pdf
        .font('bold')
        .fontSize(14)
        .text(`${p.lead} `, MARGIN.left, pdf.y, { ...options, continued: true });
      pdf.font('regular').text(p.text, { ...options, indent: 0 });
    } else pdf.font('regular').fontSize(14).text(p.text, MARGIN.left, pdf.y, options);
  }
}

/** Recipients (left) and signature block (right), side by side; the QR code under the recipients. */
function closing(
  pdf: Pdf,
  doc: OfficialDocument,
  qr: Buffer | undefined,
  placed: (rect: [number, number, number, number]) => void,
): void {
  const needed = 190;
  if (pdf.y + needed > A4.height - MARGIN.bottom) pdf.addPage();
  const top = pdf.y + 12;
  const left = MARGIN.left;
  pdf.font('bold').fontSize(12).text('Nơi nhận:', left, top, { width: LEFT_COLUMN });
  pdf.font('regular').fontSize(11);
  for (const r of [...doc.recipients.map((r) => `- ${r};`), '- Lưu: VT.'])
    pdf.text(r, left, pdf.y, { width: LEFT_COLUMN });
  if (qr && doc.qr) {
    const y = pdf.y + 8;
    pdf.image(qr, left, y, { width: 64 });
    pdf.font('italic').fontSize(9);
    pdf.text(doc.qr.caption, left + 70, y + 4, { width: LEFT_COLUMN - 70 });
    pdf
      .font('regular')
      .fontSize(8)
      .text(doc.qr.text, left + 70, pdf.y + 2, { width: LEFT_COLUMN - 70 });
  }
  const right = left + LEFT_COLUMN;
  pdf.font('bold').fontSize(13.5);
  let y = top;
  for (const line of doc.signature) {
    pdf.text(line, right, y, { width: RIGHT_COLUMN, align: 'center' });
    y = pdf.y;
  }
  if (doc.stamp) {
    // A frame in the space left for the signature, its text inside, in the document's own embedded font.
    const inset = 16;
    const x = right + inset;
    const width = RIGHT_COLUMN - 2 * inset;
    const top = y + 10;
    const [first, ...rest] = stampLines(doc.stamp);
    pdf.font('bold').fontSize(10).fillColor('#b00000');
    pdf.text(first!, x + 6, top + 6, { width: width - 12, align: 'center' });
    pdf.font('regular').fontSize(9.5);
    for (const line of rest) pdf.text(line, x + 6, pdf.y + 1, { width: width - 12, align: 'center' });
    const height = pdf.y + 6 - top;
    pdf.rect(x, top, width, height).lineWidth(0.8).strokeColor('#b00000').stroke();
    pdf.fillColor('black').strokeColor('black');
    placed([x, A4.height - (top + height), x + width, A4.height - top]);
  }
}

function rule(pdf: Pdf, centre: number, y: number, length: number): void {
  pdf
    .moveTo(centre - length / 2, y)
    .lineTo(centre + length / 2, y)
    .lineWidth(0.6)
    .stroke();
}
