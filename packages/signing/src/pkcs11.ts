/**
 * USB token / HSM through PKCS#11: the shape of the adapter, NOT TESTED HERE. No token, HSM or SoftHSM is
 * available on the development machines, and no PKCS#11 binding is a dependency, so this maps a session that an
 * operator opens with the binding of their choice (e.g. `pkcs11js` against the vendor's module) onto the signer
 * port. `CKM_RSA_PKCS` signs the DigestInfo as given, which is exactly RSASSA-PKCS1-v1_5 over a SHA-256 digest.
 * See ADR 0017 before relying on it.
 */
import { sha256DigestInfo, type SigningKey } from './key.js';

export interface Pkcs11Session {
  /** the certificate objects of the key pair's label/id, DER, signer first */
  certificates(): Promise<Uint8Array[]>;
  /** C_SignInit(CKM_RSA_PKCS, privateKeyHandle) then C_Sign(data) */
  signRsaPkcs(data: Uint8Array): Promise<Uint8Array>;
  /** e.g. the token's label, for logs */
  readonly label: string;
}

export function pkcs11SigningKey(session: Pkcs11Session): SigningKey {
  return {
    description: `PKCS#11 token ${session.label}`,
    certificates: () => session.certificates(),
    signDigest: (digest) => session.signRsaPkcs(sha256DigestInfo(digest)),
  };
}
