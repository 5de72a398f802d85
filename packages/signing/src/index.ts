export { sha256DigestInfo, rsaSignDigest, localSigningKey, type SigningKey } from './key.js';
export { buildDetachedCms } from './cms.js';
export { signPdf, type SignatureDetails } from './signPdf.js';
export {
  verifyPdf,
  decodePdfString,
  type Verdict,
  type VerificationReport,
  type SignatureReport,
  type VerifyOptions,
} from './verifyPdf.js';
export {
  ensureDevSigningKeys,
  devSigningKeyFromBundle,
  generateDevSigningBundle,
  issueCertificate,
  DEV_CA,
  DEV_SIGNER,
  type DevSigningKeys,
  type SubjectName,
} from './devKeys.js';
export { certificateNames, pemCertificates, toPem } from './pki.js';
export { remoteSigningKey, RemoteSignerError, type RemoteSignerOptions } from './remoteSigner.js';
export { pkcs11SigningKey, type Pkcs11Session } from './pkcs11.js';
export { openSigner, loadTrustAnchors, type SignerSettings, type OpenedSigner } from './openSigner.js';
