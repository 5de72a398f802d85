/** pkijs set up once with Node's WebCrypto, and small DER/PEM helpers shared by signing and verification. */
import { webcrypto, createHash } from 'node:crypto';
import * as pkijs from 'pkijs';
import * as asn1js from 'asn1js';

// Node's WebCrypto is the engine (pkijs types it with the DOM's Crypto, which this project's lib leaves out).
pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto }));

export { pkijs, asn1js };
// PEM needs no pkijs: in a module of its own that the signer's opening can load without it.
export { pemCertificates, toPem } from './pem.js';

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRSA: '1.2.840.113549.1.1.11',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  country: '2.5.4.6',
} as const;

export const sha256 = (bytes: Uint8Array): Buffer => createHash('sha256').update(bytes).digest();

/** A Uint8Array's own bytes as an ArrayBuffer (what pkijs and asn1js take). */
export const arrayBuffer = (bytes: Uint8Array): ArrayBuffer =>
  bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

export function parseCertificate(der: Uint8Array): pkijs.Certificate {
  return pkijs.Certificate.fromBER(arrayBuffer(der));
}

/** The value of one attribute (CN, O) of a distinguished name, if present. */
export function nameAttribute(name: pkijs.RelativeDistinguishedNames, oid: string): string | undefined {
  const entry = name.typesAndValues.find((t) => t.type === oid);
  return entry ? String((entry.value as { valueBlock: { value: unknown } }).valueBlock.value) : undefined;
}

/** The signer's and issuer's common names of a DER certificate, as a visible signature stamp prints them. */
export function certificateNames(der: Uint8Array): { signer: string; issuer: string } {
  const cert = parseCertificate(der);
  return {
    signer: nameAttribute(cert.subject, OID.commonName) ?? describeName(cert.subject),
    issuer: nameAttribute(cert.issuer, OID.commonName) ?? describeName(cert.issuer),
  };
}

/** "CN, O" of a certificate's subject (what a report names the signer by). */
export function describeName(name: pkijs.RelativeDistinguishedNames): string {
  return [nameAttribute(name, OID.commonName), nameAttribute(name, OID.organization)]
    .filter(Boolean)
    .join(', ');
}
