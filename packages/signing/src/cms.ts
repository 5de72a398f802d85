/**
 * CMS SignedData for a PDF signature (PAdES baseline B: SubFilter ETSI.CAdES.detached): detached, signed attributes
 * contentType, messageDigest and signingCertificateV2, no signingTime (PAdES puts the time in the signature
 * dictionary's /M). The key only signs the SHA-256 of the signed attributes, so any SigningKey adapter fits.
 */
import type { SigningKey } from './key.js';
import { OID, arrayBuffer, asn1js, parseCertificate, pkijs, sha256 } from './pki.js';

const algorithm = (oid: string) =>
  new pkijs.AlgorithmIdentifier({ algorithmId: oid, algorithmParams: new asn1js.Null() });

/** ESS signing-certificate-v2 (RFC 5035): binds the signer's certificate into what is signed. */
function signingCertificateV2(certDer: Uint8Array): asn1js.Sequence {
  // hashAlgorithm is omitted: its DEFAULT is SHA-256.
  const essCertIdV2 = new asn1js.Sequence({
    value: [new asn1js.OctetString({ valueHex: arrayBuffer(sha256(certDer)) })],
  });
  return new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] });
}

/** Parsed chains by the array a key returns (parsing certificates is most of the CMS's cost when repeated). */
const parsedChains = new WeakMap<Uint8Array[], pkijs.Certificate[]>();
function parsedChain(chain: Uint8Array[]): pkijs.Certificate[] {
  let parsed = parsedChains.get(chain);
  if (!parsed) parsedChains.set(chain, (parsed = chain.map(parseCertificate)));
  return parsed;
}

/** The DER ContentInfo of a detached signature over `documentDigest` (the SHA-256 of the signed byte ranges). */
export async function buildDetachedCms(documentDigest: Uint8Array, key: SigningKey): Promise<Uint8Array> {
  const chain = await key.certificates();
  const [leafDer] = chain;
  if (!leafDer) throw new Error(`${key.description}: the signer gave no certificate`);
  const certificates = parsedChain(chain);
  const leaf = certificates[0]!;
  const signedAttrs = new pkijs.SignedAndUnsignedAttributes({
    type: 0,
    attributes: [
      new pkijs.Attribute({
        type: OID.contentType,
        values: [new asn1js.ObjectIdentifier({ value: OID.data })],
      }),
      new pkijs.Attribute({
        type: OID.messageDigest,
        values: [new asn1js.OctetString({ valueHex: arrayBuffer(documentDigest) })],
      }),
      new pkijs.Attribute({ type: OID.signingCertificateV2, values: [signingCertificateV2(leafDer)] }),
    ],
  });
  // What is signed is the attributes' DER with the SET tag (0x31), not the [0] IMPLICIT tag they carry (RFC 5652 §5.4).
  const toSign = new Uint8Array(signedAttrs.toSchema().toBER(false));
  toSign[0] = 0x31;
  const signature = await key.signDigest(sha256(toSign));
  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: leaf.issuer, serialNumber: leaf.serialNumber }),
    digestAlgorithm: algorithm(OID.sha256),
    signedAttrs,
    signatureAlgorithm: algorithm(OID.rsaEncryption),
    signature: new asn1js.OctetString({ valueHex: arrayBuffer(signature) }),
  });
  const signedData = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [algorithm(OID.sha256)],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
    certificates,
    signerInfos: [signerInfo],
  });
  const contentInfo = new pkijs.ContentInfo({
    contentType: OID.signedData,
    content: signedData.toSchema(true),
  });
  return new Uint8Array(contentInfo.toSchema().toBER(false));
}
