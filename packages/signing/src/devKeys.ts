/**
 * The development signer: an RSA key and a certificate issued by a development CA, generated once into a folder
 * (the embedded default keeps them under `DATA_DIR/keys/`, which is never committed). The CA certificate is the
 * trust anchor that verification uses in that mode. Nothing here is a public-duty certificate: a production signer
 * holds a certificate of the Government Cipher Committee's CA in a token, an HSM or a remote signing service.
 */
import { createPrivateKey, randomBytes, webcrypto } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEV_SIGNER_DESCRIPTION, localSigningKey, type SigningKey } from './key.js';
import { OID, arrayBuffer, asn1js, pemCertificates, pkijs, toPem } from './pki.js';

/** the key, the signer's certificate and the CA's, in one file so no reader ever sees a key without its chain */
const BUNDLE_FILE = 'signing.pem';
/** the CA certificate alone: the trust anchor other processes (and `openssl cms -verify`) are given */
const CA_FILE = 'signing-ca.pem';
const RSA = {
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
};

export interface DevSigningKeys {
  key: SigningKey;
  /** the development CA certificate (DER): the trust anchor of what this key signs */
  trustAnchor: Uint8Array;
  /** the file holding the trust anchor, for verification in other processes */
  trustAnchorFile: string;
}

export interface SubjectName {
  commonName: string;
  organization: string;
}

function name(subject: SubjectName): pkijs.RelativeDistinguishedNames {
  const attr = (type: string, value: string) =>
    new pkijs.AttributeTypeAndValue({ type, value: new asn1js.Utf8String({ value }) });
  return new pkijs.RelativeDistinguishedNames({
    typesAndValues: [
      new pkijs.AttributeTypeAndValue({
        type: OID.country,
        value: new asn1js.PrintableString({ value: 'VN' }),
      }),
      attr(OID.organization, subject.organization),
      attr(OID.commonName, subject.commonName),
    ],
  });
}

const extension = (extnID: string, critical: boolean, value: { toSchema(): asn1js.AsnType }) =>
  new pkijs.Extension({ extnID, critical, extnValue: value.toSchema().toBER(false) });

/**
 * A certificate serial number from random bytes: a positive INTEGER (RFC 5280) whose DER encoding is these bytes
 * as they are. The first byte is kept in 0x40–0x7f: not negative (top bit clear), and never 0x00, which DER allows
 * only before a byte with its top bit set. A serial that began 0x00 0x00–0x7f, one certificate in 256, was a
 * non-minimal INTEGER: OpenSSL refused the whole certificate ("illegal padding") while pkijs accepted it.
 */
function serialNumber(random: Uint8Array): Uint8Array {
  const serial = Uint8Array.from(random);
  serial[0] = (serial[0]! & 0x3f) | 0x40;
  return serial;
}

/** An X.509 v3 certificate for `publicKey`, signed by `issuerKey` (self-signed when subject = issuer). */
export async function issueCertificate(options: {
  subject: SubjectName;
  issuer: SubjectName;
  publicKey: webcrypto.CryptoKey;
  issuerKey: webcrypto.CryptoKey;
  ca: boolean;
  notBefore: Date;
  notAfter: Date;
  /** the random bytes the serial number is made from; default 16 fresh ones */
  serialBytes?: Uint8Array;
}): Promise<Uint8Array> {
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({
    valueHex: arrayBuffer(serialNumber(options.serialBytes ?? randomBytes(16))),
  });
  cert.subject = name(options.subject);
  cert.issuer = name(options.issuer);
  cert.notBefore.value = options.notBefore;
  cert.notAfter.value = options.notAfter;
  // keyUsage: digitalSignature + nonRepudiation for the signer, keyCertSign + cRLSign for the CA.
  const usage = new Uint8Array([options.ca ? 0x06 : 0xc0]);
  cert.extensions = [
    extension('2.5.29.19', true, new pkijs.BasicConstraints({ cA: options.ca })),
    new pkijs.Extension({
      extnID: '2.5.29.15',
      critical: true,
      extnValue: new asn1js.BitString({ valueHex: arrayBuffer(usage), unusedBits: options.ca ? 1 : 6 }).toBER(
        false,
      ),
    }),
  ];
  await cert.subjectPublicKeyInfo.importKey(options.publicKey);
  await cert.sign(options.issuerKey, 'SHA-256');
  return new Uint8Array(cert.toSchema(true).toBER(false));
}

export const DEV_VALID_FROM = new Date(Date.UTC(2020, 0, 1));

export const DEV_CA: SubjectName = {
  commonName: 'NTM development signing CA',
  organization: 'NTM dossier engine (development)',
};
export const DEV_SIGNER: SubjectName = {
  commonName: 'Development signer (not a public-duty certificate)',
  organization: 'NTM dossier engine (development)',
};

/** A new CA and signer certificate, with the signer's key, as one PEM bundle (key, signer, CA). */
export async function generateDevSigningBundle(now: Date, signer: SubjectName = DEV_SIGNER): Promise<string> {
  const subtle = webcrypto.subtle;
  const ca = await subtle.generateKey(RSA, true, ['sign', 'verify']);
  const leaf = await subtle.generateKey(RSA, true, ['sign', 'verify']);
  // Valid from 2020 (before any dossier of the 2021-2025 programme), so that decisions dated in the past, as in
  // tests and demonstration data with an injected clock, verify at their own dates. A development certificate
  // only: a real one is valid from its issue.
  const notBefore = DEV_VALID_FROM;
  const years = (n: number) =>
    new Date(Date.UTC(now.getUTCFullYear() + n, now.getUTCMonth(), now.getUTCDate()));
  const caDer = await issueCertificate({
    subject: DEV_CA,
    issuer: DEV_CA,
    publicKey: ca.publicKey,
    issuerKey: ca.privateKey,
    ca: true,
    notBefore,
    notAfter: years(10),
  });
  const leafDer = await issueCertificate({
    subject: signer,
    issuer: DEV_CA,
    publicKey: leaf.publicKey,
    issuerKey: ca.privateKey,
    ca: false,
    notBefore,
    notAfter: years(5),
  });
  const pkcs8 = new Uint8Array(await subtle.exportKey('pkcs8', leaf.privateKey));
  return toPem('PRIVATE KEY', pkcs8) + toPem('CERTIFICATE', leafDer) + toPem('CERTIFICATE', caDer);
}

/** Reads the development signer from `dir`, generating it on first use (mode 0600, never logged). */
export async function ensureDevSigningKeys(dir: string, now: Date = new Date()): Promise<DevSigningKeys> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const bundleFile = join(dir, BUNDLE_FILE);
  let bundle: string;
  try {
    bundle = await readFile(bundleFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    // Written whole under a temporary name, then linked into place: link fails if another process got there
    // first, and that process's bundle is the one everybody uses.
    const temporary = `${bundleFile}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temporary, await generateDevSigningBundle(now), { mode: 0o600 });
    try {
      await link(temporary, bundleFile);
    } catch (linkError) {
      if ((linkError as NodeJS.ErrnoException).code !== 'EEXIST') throw linkError;
    } finally {
      await unlink(temporary);
    }
    bundle = await readFile(bundleFile, 'utf8');
  }
  const { key, trustAnchor } = devSigningKeyFromBundle(bundle);
  const trustAnchorFile = join(dir, CA_FILE);
  await writeFile(trustAnchorFile, toPem('CERTIFICATE', trustAnchor), { mode: 0o644 });
  return { key, trustAnchor, trustAnchorFile };
}

/** The key and trust anchor of a bundle made by `generateDevSigningBundle`. */
export function devSigningKeyFromBundle(bundle: string): { key: SigningKey; trustAnchor: Uint8Array } {
  const [leaf, trustAnchor] = pemCertificates(bundle);
  if (!leaf || !trustAnchor)
    throw new Error("a signing bundle holds the key, the signer's and the CA's certificates");
  return {
    key: localSigningKey(createPrivateKey(bundle), [leaf, trustAnchor], DEV_SIGNER_DESCRIPTION),
    trustAnchor,
  };
}
