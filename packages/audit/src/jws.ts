/**
 * Detached JWS (RFC 7515 appendix F) with Ed25519: the signature travels beside the bytes it signs, so the
 * manifest stays a plain file an auditor can read. Verification resolves the key by `kid` among keys the caller
 * trusts, and the key must have been valid at the instant the signer claims.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { CompactSign, base64url, decodeProtectedHeader } from 'jose';
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
export function verifyDetached(
  detached: string,
  payload: Uint8Array,
  keys: readonly PublishedKey[],
  signedAt: string,
): Promise<SignatureCheck> {
  return Promise.resolve(verifyDetachedNow(detached, payload, keys, signedAt));
}

function verifyDetachedNow(
  detached: string,
  payload: Uint8Array,
  keys: readonly PublishedKey[],
  signedAt: string,
): SignatureCheck {
  const [header, empty, signature, ...rest] = detached.trim().split('.');
  if (header === undefined || empty !== '' || signature === undefined || rest.length > 0)
    return { ok: false, reason: 'not a detached compact JWS (header..signature)' };
  let kid: string | undefined;
  try {
    const protectedHeader = decodeProtectedHeader(`${header}..${signature}`);
    kid = protectedHeader.kid;
    if (protectedHeader.alg !== AUDIT_ALG) return { ok: false, kid, reason: `alg ${protectedHeader.alg}` };
    // Nothing this verifier does not understand: no critical extension, no unencoded payload (RFC 7797).
    if (protectedHeader.crit !== undefined || protectedHeader.b64 !== undefined)
      return { ok: false, kid, reason: 'a JWS header parameter this verifier does not support (crit, b64)' };
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
  // Ed25519 over the JWS signing input (RFC 7515 §5.2, RFC 8037), with node:crypto directly: synchronous, so a
  // verification of thousands of bundles does not wait on the thread pool once per bundle.
  let ok = false;
  try {
    const input = Buffer.from(`${header}.${base64url.encode(payload)}`, 'ascii');
    ok = verify(null, input, publicKeyOf(key), Buffer.from(base64url.decode(signature)));
  } catch {
    ok = false;
  }
  return ok
    ? { ok: true, kid: key.kid }
    : { ok: false, kid, reason: `the signature does not match key ${key.kid}` };
}

const publicKeys = new Map<string, KeyObject>();
/** The key as a node:crypto object, once per key (keys never change). */
function publicKeyOf(key: PublishedKey): KeyObject {
  let found = publicKeys.get(key.x);
  if (found === undefined) {
    found = createPublicKey({ key: { kty: 'OKP', crv: key.crv, x: key.x }, format: 'jwk' });
    if (found.asymmetricKeyType !== 'ed25519') throw new Error(`key ${key.kid} is not Ed25519`);
    publicKeys.set(key.x, found);
  }
  return found;
}
