/**
 * Verification of a signed PDF, independent of who signed it: for each signature, that its /ByteRange covers the
 * file except exactly its own /Contents, that the SHA-256 of those bytes is the CMS messageDigest, that the CMS
 * signature and the signing-certificate attribute check out, and that the signer's certificate chains to one of
 * the configured trust anchors at the verification time. Revocation (CRL/OCSP) and trusted timestamps are not
 * checked (ADR 0017): a report says so rather than claiming more.
 */
import { OID, arrayBuffer, asn1js, describeName, parseCertificate, pkijs, sha256 } from './pki.js';

export type Verdict = 'valid' | 'untrusted' | 'invalid' | 'unsigned';

export interface SignatureReport {
  verdict: Exclude<Verdict, 'unsigned'>;
  /** subject of the signer's certificate ("CN, O") */
  signer?: string;
  /** issuer of the signer's certificate */
  issuer?: string;
  /** /Name, /Reason, /Location and /M of the signature dictionary, as written by the signer (claimed, not proven) */
  name?: string;
  reason?: string;
  location?: string;
  signingTime?: string;
  subFilter?: string;
  /** the signed byte ranges end at the end of the file (nothing was appended after this signature) */
  coversWholeFile: boolean;
  digestMatches: boolean;
  signatureVerified: boolean;
  chainTrusted: boolean;
  certificateNotAfter?: string;
  /** why the verdict is not 'valid' */
  problems: string[];
}

export interface VerificationReport {
  verdict: Verdict;
  /** SHA-256 of the file, hex */
  sha256: string;
  signatures: SignatureReport[];
  /** what this verification does not establish */
  notChecked: string[];
}

export interface VerifyOptions {
  /** DER certificates of the trust anchors (roots, or the Government Cipher Committee's CAs in production) */
  trustAnchors: Uint8Array[];
  /** the time the certificates are checked at; default now */
  at?: Date;
}

const NOT_CHECKED = [
  'revocation (no CRL or OCSP is fetched)',
  'a trusted timestamp (the signing time is the one the signer wrote)',
];

const latin1 = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');

/** Verifies every signature of a PDF; the verdict is the worst of them, and 'invalid' if the last one does not cover the whole file. */
export async function verifyPdf(pdf: Uint8Array, options: VerifyOptions): Promise<VerificationReport> {
  const text = latin1(pdf);
  const signatures: SignatureReport[] = [];
  for (const match of text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)) {
    const range = match.slice(1, 5).map(Number) as [number, number, number, number];
    signatures.push(await verifySignature(pdf, text, match.index, range, options));
  }
  const digest = sha256(pdf).toString('hex');
  if (signatures.length === 0)
    return { verdict: 'unsigned', sha256: digest, signatures, notChecked: NOT_CHECKED };
  const last = signatures[signatures.length - 1]!;
  if (!last.coversWholeFile) {
    last.verdict = 'invalid';
    last.problems.push('bytes were added after the last signature and are covered by none');
  }
  const verdict = signatures.some((s) => s.verdict === 'invalid')
    ? 'invalid'
    : signatures.some((s) => s.verdict === 'untrusted')
      ? 'untrusted'
      : 'valid';
  return { verdict, sha256: digest, signatures, notChecked: NOT_CHECKED };
}

async function verifySignature(
  pdf: Uint8Array,
  text: string,
  at: number,
  [start, contentsStart, contentsEnd, tailLength]: [number, number, number, number],
  options: VerifyOptions,
): Promise<SignatureReport> {
  const report: SignatureReport = {
    verdict: 'invalid',
    coversWholeFile: contentsEnd + tailLength === pdf.length,
    digestMatches: false,
    signatureVerified: false,
    chainTrusted: false,
    problems: [],
  };
  const contents = text.slice(contentsStart, contentsEnd);
  // The range must start at 0, lie inside the file and leave out exactly one hex string: the signature's own.
  const wellFormed =
    start === 0 &&
    contentsStart < contentsEnd &&
    contentsEnd + tailLength <= pdf.length &&
    /^<[0-9a-fA-F]*>$/.test(contents);
  if (!wellFormed) {
    report.problems.push('the byte range does not leave out exactly its own /Contents hex string');
    return report;
  }
  Object.assign(report, signatureDictionary(text, at, contentsStart, contentsEnd));
  const signedBytes = Buffer.concat([
    pdf.subarray(0, contentsStart),
    pdf.subarray(contentsEnd, contentsEnd + tailLength),
  ]);
  let signedData: pkijs.SignedData;
  try {
    // The hex string is padded with zeros after the DER; asn1js reads exactly the DER's own length.
    const der = Buffer.from(contents.slice(1, -1), 'hex');
    const parsed = asn1js.fromBER(arrayBuffer(der));
    const contentInfo = new pkijs.ContentInfo({ schema: parsed.result });
    if (parsed.offset === -1 || contentInfo.contentType !== OID.signedData)
      throw new Error('not a CMS SignedData');
    signedData = new pkijs.SignedData({ schema: contentInfo.content });
  } catch (error) {
    report.problems.push(`the signature is not a CMS SignedData (${(error as Error).message})`);
    return report;
  }
  const signerInfo = signedData.signerInfos[0];
  const messageDigest = signerInfo?.signedAttrs?.attributes.find((a) => a.type === OID.messageDigest)
    ?.values[0] as asn1js.OctetString | undefined;
  report.digestMatches =
    messageDigest !== undefined &&
    Buffer.from(messageDigest.valueBlock.valueHexView).equals(sha256(signedBytes));
  if (!report.digestMatches)
    report.problems.push('the signed bytes do not match the signed digest (the file was changed)');
  let signerCert: pkijs.Certificate | undefined;
  try {
    const result = await signedData.verify({ signer: 0, data: arrayBuffer(signedBytes), extendedMode: true });
    report.signatureVerified = result.signatureVerified === true;
    signerCert = result.signerCertificate ?? undefined;
  } catch (error) {
    const failure = error as { message: string; signerCertificate?: pkijs.Certificate | null };
    signerCert = failure.signerCertificate ?? undefined;
    report.problems.push(`the CMS signature does not verify: ${failure.message}`);
  }
  if (signerCert) {
    report.signer = describeName(signerCert.subject);
    report.issuer = describeName(signerCert.issuer);
    report.certificateNotAfter = signerCert.notAfter.value.toISOString();
    if (!signingCertificateMatches(signerInfo!, signerCert)) {
      report.signatureVerified = false;
      report.problems.push("the signing-certificate attribute does not name the signer's certificate");
    }
    report.chainTrusted = await chainTrusted(signerCert, signedData, options, report.problems);
  }
  if (!report.signatureVerified && report.problems.length === 0)
    report.problems.push('the CMS signature does not verify');
  report.verdict = !(report.digestMatches && report.signatureVerified)
    ? 'invalid'
    : report.chainTrusted
      ? 'valid'
      : 'untrusted';
  return report;
}

/** PAdES requires signing-certificate-v2 and it must hash to the signer's certificate (no certificate swap). */
function signingCertificateMatches(signerInfo: pkijs.SignerInfo, cert: pkijs.Certificate): boolean {
  const attribute = signerInfo.signedAttrs?.attributes.find((a) => a.type === OID.signingCertificateV2);
  const value = attribute?.values[0] as asn1js.Sequence | undefined;
  const certs = value?.valueBlock.value[0] as asn1js.Sequence | undefined;
  const first = certs?.valueBlock.value[0] as asn1js.Sequence | undefined;
  // ESSCertIDv2: [hashAlgorithm (only when not SHA-256)] certHash.
  const hash = first?.valueBlock.value.find((v): v is asn1js.OctetString => v instanceof asn1js.OctetString);
  if (!hash) return false;
  const algorithm =
    first!.valueBlock.value[0] instanceof asn1js.Sequence ? first!.valueBlock.value[0] : undefined;
  if (algorithm && new pkijs.AlgorithmIdentifier({ schema: algorithm }).algorithmId !== OID.sha256)
    return false;
  return Buffer.from(hash.valueBlock.valueHexView).equals(
    sha256(new Uint8Array(cert.toSchema(true).toBER(false))),
  );
}

async function chainTrusted(
  signerCert: pkijs.Certificate,
  signedData: pkijs.SignedData,
  options: VerifyOptions,
  problems: string[],
): Promise<boolean> {
  if (options.trustAnchors.length === 0) {
    problems.push('no trust anchor is configured');
    return false;
  }
  const certs = (signedData.certificates ?? []).filter(
    (c): c is pkijs.Certificate => c instanceof pkijs.Certificate,
  );
  const engine = new pkijs.CertificateChainValidationEngine({
    trustedCerts: options.trustAnchors.map(parseCertificate),
    certs: [...certs.filter((c) => c !== signerCert), signerCert],
    checkDate: options.at ?? new Date(),
  });
  try {
    const result = await engine.verify({ passedWhenNotRevValues: true });
    if (!result.result)
      problems.push(`the certificate does not chain to a trust anchor: ${result.resultMessage}`);
    return result.result;
  } catch (error) {
    problems.push(
      `the certificate does not chain to a trust anchor: ${(error as { resultMessage?: string }).resultMessage ?? String(error)}`,
    );
    return false;
  }
}

/** The signature dictionary's own entries around the byte range (the object holding it, minus the /Contents). */
function signatureDictionary(text: string, at: number, contentsStart: number, contentsEnd: number) {
  const objectStart = text.lastIndexOf(' obj', Math.min(at, contentsStart));
  const objectEnd = text.indexOf('endobj', contentsEnd);
  const dictionary =
    text.slice(objectStart === -1 ? at : objectStart, contentsStart) +
    text.slice(contentsEnd, objectEnd === -1 ? contentsEnd : objectEnd);
  const entry = (key: string) => {
    const match = new RegExp(`/${key}\\s*\\(((?:\\\\.|[^\\\\)])*)\\)`, 's').exec(dictionary);
    return match ? decodePdfString(match[1]!) : undefined;
  };
  const subFilter = /\/SubFilter\s*\/([A-Za-z0-9.]+)/.exec(dictionary)?.[1];
  return {
    name: entry('Name'),
    reason: entry('Reason'),
    location: entry('Location'),
    signingTime: pdfDate(entry('M')),
    subFilter,
  };
}

/** A PDF literal string's text: escapes undone, UTF-16BE when it starts with the byte-order mark. */
export function decodePdfString(raw: string): string {
  const escapes: Record<string, string> = {
    n: '\n',
    r: '\r',
    t: '\t',
    b: '\b',
    f: '\f',
    '(': '(',
    ')': ')',
    '\\': '\\',
  };
  const bytes = raw.replace(/\\([0-7]{1,3}|.)/gs, (_, e: string) =>
    /^[0-7]/.test(e) ? String.fromCharCode(parseInt(e, 8)) : (escapes[e] ?? e),
  );
  const buffer = Buffer.from(bytes, 'latin1');
  if (buffer[0] === 0xfe && buffer[1] === 0xff) return buffer.subarray(2).swap16().toString('utf16le');
  return bytes;
}

/** D:YYYYMMDDHHmmSSZ (or with an offset) as an ISO instant. */
function pdfDate(value: string | undefined): string | undefined {
  const m = value && /^D:(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(Z|([+-])(\d{2})'?(\d{2})'?)?/.exec(value);
  if (!m) return value;
  const utc = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  const offset = m[8] ? (m[8] === '+' ? 1 : -1) * (+m[9]! * 60 + +m[10]!) * 60_000 : 0;
  return new Date(utc - offset).toISOString();
}
