/** A small PDF made with pdfkit (what the documents package uses), for signing tests and the benchmark. */
import PDFDocument from 'pdfkit';

export function samplePdf(text = 'Quyết định công nhận xã đạt chuẩn nông thôn mới'): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // A fixed creation date keeps the bytes the same from run to run.
    const doc = new PDFDocument({ size: 'A4', info: { CreationDate: new Date(Date.UTC(2026, 0, 1)) } });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.fontSize(14).text(
      text
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .replace(/đ/g, 'd')
        .replace(/Đ/g, 'D'),
    );
    doc.end();
  });
}
