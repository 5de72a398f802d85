/**
 * Detached JWS (RFC 7515 appendix F) with Ed25519: the signature travels beside the bytes it signs, so the
 * manifest stays a plain file an auditor can read. Verification resolves the key by `kid` among keys the caller
 * trusts, and the key must have been valid at the instant the signer claims.
 */
import { CompactSign, base64url, compactVerify, decodeProtectedHeader, importJWK } from 'jose';
import { AUDIT_ALG, type AuditSigner, type PublishedKey } from './keys.js';

/** `header..signature` over `payload`, signed by the active key. */
export async function signDetached(signer: AuditSigner, payload: Uint8Array, typ: string): Promise<string> {
  const jws = await new CompactSign(payload)
    .setProtectedHeader({ alg: AUDIT_ALG, kid: signer.kid, typ })
    .sign(signer.privateKey);
  const [header, , signature] = jws.split('.');
  return `${header}..${signature}`;
}

export type SignatureCheck =
  { ok: true; kid: string } | { ok: false; kid?: string | undefined; reason: string };

/** Checks a detached JWS over `payload` with one of `keys`, the key valid at `signedAt`. */
export async function verifyDetached(
  detached: string,
  payload: Uint8Array,
  keys: readonly PublishedKey[],
  signedAt: string,
): Promise<SignatureCheck> {
  const [header, empty, signature, ...rest] = detached.trim().split('.');
  if (header === undefined || empty !== '' || signature === undefined || rest.length > 0)
    return { ok: false, reason: 'not a detached compact JWS (header..signature)' };
  let kid: string | undefined;
  try {
    const protectedHeader = decodeProtectedHeader(`${header}..${signature}`);
    kid = protectedHeader.kid;
    if (protectedHeader.alg !== AUDIT_ALG) return { ok: false, kid, reason: `alg ${protectedHeader.alg}` };
  } catch {
    return { ok: false, reason: 'unreadable JWS header' };
  }
  const key = keys.find((k) => k.kid === kid);
  if (!key) return { ok: false, kid, reason: `key ${kid ?? '(none)'} is not among the trusted keys` };
  if (signedAt < key.validFrom || (key.validUntil !== undefined && signedAt > key.validUntil))
    return {
      ok: false,
      kid,
      reason: `key ${key.kid} was not valid at ${signedAt} (valid ${key.validFrom} to ${key.validUntil ?? 'now'})`,
    };
  try {
    const publicKey = await importJWK({ kty: key.kty, crv: key.crv, x: key.x, alg: AUDIT_ALG }, AUDIT_ALG);
    await compactVerify(`${header}.${base64url.encode(payload)}.${signature}`, publicKey);
    return { ok: true, kid: key.kid };
  } catch {
    return { ok: false, kid, reason: `the signature does not match key ${key.kid}` };
  }
}
