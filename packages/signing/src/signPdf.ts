/**
 * Hash-then-sign into a PDF signature placeholder: an incremental update adds the signature dictionary and its
 * widget (@signpdf/placeholder-plain), @signpdf/signpdf fixes the /ByteRange and hands us the bytes it covers,
 * and the CMS over their SHA-256 is built by `buildDetachedCms` whatever key adapter signs it.
 */
import { buildDetachedCms } from './cms.js';
import type { SigningKey } from './key.js';
import { sha256 } from './pki.js';

export interface SignatureDetails {
  /** the signer as named in the signature dictionary (/Name), e.g. "Chủ tịch UBND tỉnh Thái Nguyên" */
  name?: string;
  /** the issuing organisation and what the signature means (/Reason) */
  reason?: string;
  /** place of signing (/Location), e.g. "Thái Nguyên" */
  location?: string;
  /** the time written as /M (PAdES keeps the claimed signing time there, not in the CMS) */
  signingTime?: Date;
  /**
   * [x1, y1, x2, y2] of the signature widget on the first page, in points: the signature block of the document
   * (Decree 30/2020 places the signer's signature image there). Default: an invisible widget.
   */
  widgetRect?: [number, number, number, number];
}

/** Room for the CMS: a 2-certificate RSA-2048 chain needs about 2 KB; 12 KB leaves space for longer chains. */
const SIGNATURE_BYTES = 12_288;

/** @signpdf, loaded on the first signature rather than with every process that links this package. */
const signpdf = async () => {
  const [{ plainAddPlaceholder }, { SignPdf }, { Signer, SUBFILTER_ETSI_CADES_DETACHED }] = await Promise.all(
    [import('@signpdf/placeholder-plain'), import('@signpdf/signpdf'), import('@signpdf/utils')],
  );
  class CmsSigner extends Signer {
    constructor(private readonly key: SigningKey) {
      super();
    }
    override async sign(signedBytes: Buffer): Promise<Buffer> {
      return Buffer.from(await buildDetachedCms(sha256(signedBytes), this.key));
    }
  }
  return { plainAddPlaceholder, SignPdf, CmsSigner, SUBFILTER_ETSI_CADES_DETACHED };
};
let loaded: ReturnType<typeof signpdf> | undefined;

/** Signs a PDF (an unsigned one, or one with no other placeholder) and returns the signed bytes. */
export async function signPdf(
  pdf: Uint8Array,
  key: SigningKey,
  details: SignatureDetails = {},
): Promise<Buffer> {
  const { plainAddPlaceholder, SignPdf, CmsSigner, SUBFILTER_ETSI_CADES_DETACHED } = await (loaded ??=
    signpdf());
  const withPlaceholder = plainAddPlaceholder({
    pdfBuffer: Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength),
    name: details.name ?? '',
    reason: details.reason ?? '',
    location: details.location ?? '',
    contactInfo: '',
    signingTime: details.signingTime ?? new Date(),
    signatureLength: SIGNATURE_BYTES,
    subFilter: SUBFILTER_ETSI_CADES_DETACHED,
    widgetRect: details.widgetRect ?? [0, 0, 0, 0],
    appName: 'NTM dossier engine',
  });
  return new SignPdf().sign(repairTextStrings(withPlaceholder, pdf.byteLength - 1), new CmsSigner(key));
}

/**
 * placeholder-plain 3.3 writes a non-ASCII /Name, /Reason or /Location (UTF-16BE, as PDF text strings must be)
 * through `Buffer.from(binaryString)`, i.e. UTF-8-encoded a second time, so readers show "Ã¾Ã¿..." instead of
 * Vietnamese. The correct bytes are the UTF-8 decoding of what it wrote, never longer: they are put back in place
 * and padded with spaces after the string, so no object moves and the cross-reference table stays right.
 */
function repairTextStrings(pdf: Buffer, from: number): Buffer {
  const text = pdf.toString('latin1');
  const repaired = Buffer.from(pdf);
  for (const match of text
    .slice(from)
    .matchAll(/\/(?:Name|Reason|Location|ContactInfo) \(((?:\\.|[^\\)])*)\)/gs)) {
    const start = from + match.index + match[0].indexOf('(') + 1;
    const written = pdf.subarray(start, start + match[1]!.length);
    const intended = Buffer.from(written.toString('utf8'), 'latin1');
    if (intended.length === written.length) continue;
    Buffer.concat([intended, Buffer.from(')'), Buffer.alloc(written.length - intended.length, ' ')]).copy(
      repaired,
      start,
    );
  }
  return repaired;
}
