/**
 * The signer port. Whatever holds the private key (a development key file, a remote signing service, a USB
 * token or HSM through PKCS#11) only ever sees a SHA-256 digest and returns an RSASSA-PKCS1-v1_5 signature; the
 * CMS structure around it is built here, once, for every adapter (ADR 0017).
 */
import { privateEncrypt, constants, type KeyObject } from 'node:crypto';

export interface SigningKey {
  /** who signs, for logs and reports (never a secret) */
  readonly description: string;
  /** DER certificates: the signer's first, then its issuers up to (not necessarily including) a trust anchor */
  certificates(): Promise<Uint8Array[]>;
  /** an RSASSA-PKCS1-v1_5 signature over a SHA-256 digest (32 bytes) */
  signDigest(digest: Uint8Array): Promise<Uint8Array>;
}

/** DER prefix of the DigestInfo for SHA-256 (RFC 8017 §9.2, note 1). */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/** Wraps a digest in the DigestInfo that RSASSA-PKCS1-v1_5 signs (what a PKCS#11 CKM_RSA_PKCS call expects). */
export function sha256DigestInfo(digest: Uint8Array): Buffer {
  if (digest.length !== 32) throw new Error(`a SHA-256 digest has 32 bytes, not ${digest.length}`);
  return Buffer.concat([SHA256_DIGEST_INFO, digest]);
}

/** RSASSA-PKCS1-v1_5 over a precomputed SHA-256 digest with a local RSA key. */
export function rsaSignDigest(privateKey: KeyObject, digest: Uint8Array): Uint8Array {
  return privateEncrypt({ key: privateKey, padding: constants.RSA_PKCS1_PADDING }, sha256DigestInfo(digest));
}

/** How the development signer describes itself (in logs and reports). */
export const DEV_SIGNER_DESCRIPTION = 'development signer';

/** A key held in this process (the development signer). */
export function localSigningKey(
  privateKey: KeyObject,
  certificates: Uint8Array[],
  description: string,
): SigningKey {
  return {
    description,
    certificates: () => Promise.resolve(certificates),
    signDigest: (digest) => Promise.resolve(rsaSignDigest(privateKey, digest)),
  };
}
