/**
 * The engine's audit signing keys (Ed25519). One key signs at a time; every key that ever signed stays published
 * with its validity period, so a bundle or checkpoint signed before a rotation still verifies after it. The
 * embedded default keeps a key ring under DATA_DIR (generated on first use, private file mode 0600); production
 * gives the signing key from a file or the environment and the older public keys as a published-keys file.
 * Private keys are never logged and never leave this module except as a `CryptoKey`.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';

export const AUDIT_ALG = 'EdDSA';

/** One published key: an Ed25519 public JWK with its id and the period in which it may have signed. */
export interface PublishedKey {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: typeof AUDIT_ALG;
  use: 'sig';
  /** ISO-8601 instant from which the key signs */
  validFrom: string;
  /** ISO-8601 instant after which it no longer signs (set when it was rotated out); absent while active */
  validUntil?: string;
}

/** The document published at `/.well-known/ntm-audit-keys.json` (a JWKS with validity members). */
export interface PublishedKeys {
  keys: PublishedKey[];
}

/** What signs: the active key and every published key (the active one included). */
export interface AuditSigner {
  kid: string;
  privateKey: CryptoKey;
  published: PublishedKeys;
}

interface RingEntry {
  kid: string;
  validFrom: string;
  validUntil?: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

interface Ring {
  keys: RingEntry[];
}

const RING_FILE = 'ring.json';

function publish(entry: { kid: string; validFrom: string; validUntil?: string | undefined; publicJwk: JWK }) {
  const { x } = entry.publicJwk;
  if (entry.publicJwk.kty !== 'OKP' || entry.publicJwk.crv !== 'Ed25519' || typeof x !== 'string')
    throw new Error(`audit key ${entry.kid} is not an Ed25519 key`);
  const key: PublishedKey = {
    kty: 'OKP',
    crv: 'Ed25519',
    x,
    kid: entry.kid,
    alg: AUDIT_ALG,
    use: 'sig',
    validFrom: entry.validFrom,
  };
  if (entry.validUntil !== undefined) key.validUntil = entry.validUntil;
  return key;
}

async function newEntry(now: Date): Promise<RingEntry> {
  const { privateKey, publicKey } = await generateKeyPair(AUDIT_ALG, { crv: 'Ed25519', extractable: true });
  const kid = `ntm-audit-${now.toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`;
  return {
    kid,
    validFrom: now.toISOString(),
    privateJwk: await exportJWK(privateKey),
    publicJwk: await exportJWK(publicKey),
  };
}

async function signerOf(ring: Ring): Promise<AuditSigner> {
  const active = ring.keys.at(-1)!;
  return {
    kid: active.kid,
    privateKey: (await importJWK({ ...active.privateJwk, alg: AUDIT_ALG }, AUDIT_ALG)) as CryptoKey,
    published: { keys: ring.keys.map(publish) },
  };
}

async function writeRing(dir: string, ring: Ring): Promise<void> {
  const temporary = join(dir, `${RING_FILE}.${process.pid}.tmp`);
  await writeFile(temporary, `${JSON.stringify(ring, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, join(dir, RING_FILE));
}

/** A signer with one fresh key valid from `validFrom`, kept in memory only (tests, benchmarks, one-off tools). */
export async function ephemeralSigner(validFrom: Date): Promise<AuditSigner> {
  return signerOf({ keys: [await newEntry(validFrom)] });
}

export interface LocalRingOptions {
  /** folder of the ring (the embedded default: DATA_DIR/audit-keys) */
  dir: string;
  /** a key older than this many days is rotated out when the ring is opened; 0 never rotates */
  rotateAfterDays?: number;
  now?: Date;
}

/**
 * The local key ring: created with one key on first use; when the active key is older than `rotateAfterDays`,
 * a new key is added and the old one gets its `validUntil` (it stays published).
 */
export async function openLocalKeyRing(options: LocalRingOptions): Promise<AuditSigner> {
  const now = options.now ?? new Date();
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  let ring: Ring;
  try {
    ring = JSON.parse(await readFile(join(options.dir, RING_FILE), 'utf8')) as Ring;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    ring = { keys: [await newEntry(now)] };
    await writeRing(options.dir, ring);
    return signerOf(ring);
  }
  const days = options.rotateAfterDays ?? 0;
  const active = ring.keys.at(-1)!;
  if (days > 0 && now.getTime() - Date.parse(active.validFrom) >= days * 86_400_000) {
    ring = await rotated(ring, now);
    await writeRing(options.dir, ring);
  }
  return signerOf(ring);
}

/** Forces a rotation of the local ring now (`pnpm audit:rotate-key`); returns the new signer. */
export async function rotateLocalKeyRing(dir: string, now = new Date()): Promise<AuditSigner> {
  await openLocalKeyRing({ dir, now });
  const ring = JSON.parse(await readFile(join(dir, RING_FILE), 'utf8')) as Ring;
  const next = await rotated(ring, now);
  await writeRing(dir, next);
  return signerOf(next);
}

async function rotated(ring: Ring, now: Date): Promise<Ring> {
  const keys = ring.keys.map((k, i) =>
    i === ring.keys.length - 1 ? { ...k, validUntil: now.toISOString() } : k,
  );
  return { keys: [...keys, await newEntry(now)] };
}

export interface ExternalKeyOptions {
  /** a private Ed25519 JWK (JSON text) with its `kid` */
  privateJwk: string;
  /** when the key started signing (ISO-8601) */
  validFrom: string;
  /** the older keys still to publish: a PublishedKeys document (JSON text) */
  previousKeys?: string | undefined;
}

/** A signer from a key given by the operator (file or environment): production. */
export async function externalSigner(options: ExternalKeyOptions): Promise<AuditSigner> {
  const jwk = JSON.parse(options.privateJwk) as JWK;
  if (typeof jwk.kid !== 'string' || jwk.kid === '') throw new Error('the audit signing key needs a kid');
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.d !== 'string')
    throw new Error('the audit signing key must be a private Ed25519 JWK');
  const { d: _private, ...publicJwk } = jwk;
  const previous = options.previousKeys
    ? (JSON.parse(options.previousKeys) as PublishedKeys).keys.filter((k) => k.kid !== jwk.kid)
    : [];
  return {
    kid: jwk.kid,
    privateKey: (await importJWK({ ...jwk, alg: AUDIT_ALG }, AUDIT_ALG)) as CryptoKey,
    published: {
      keys: [...previous, publish({ kid: jwk.kid, validFrom: options.validFrom, publicJwk })],
    },
  };
}
