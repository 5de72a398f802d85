/**
 * The text of a PDF, page by page, as a reader extracts it (pdf.js, the legacy build that runs on Node): what tests
 * of generated documents assert on (numbers, codes, unit names, diacritics), independent of the library that wrote
 * the PDF.
 */
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** Each page's text, its items joined with spaces and its lines with newlines; plus the document's metadata. */
export async function pdfText(
  bytes: Uint8Array,
): Promise<{ pages: string[]; text: string; info: Record<string, unknown> }> {
  const doc = await getDocument({
    data: new Uint8Array(bytes),
    useSystemFonts: false,
    isEvalSupported: false,
  }).promise;
  try {
    const pages: string[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const content = await page.getTextContent();
      let text = '';
      for (const item of content.items) {
        if (!('str' in item)) continue;
        text += item.str + (item.hasEOL ? '\n' : ' ');
      }
      pages.push(text.replace(/[ \t]+/g, ' '));
    }
    const meta = await doc.getMetadata();
    return { pages, text: pages.join('\n'), info: meta.info as Record<string, unknown> };
  } finally {
    await doc.destroy();
  }
}
