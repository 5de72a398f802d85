/**
 * Development keys: one ES256 key pair generated once into a folder (the embedded default keeps it under
 * `DATA_DIR/keys/`), so `pnpm start` works with no identity provider. The private key file is mode 0600 and is
 * never logged; only the token script reads it.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import type { DomainActor } from '@ntm/domain';

/** Defaults used by the embedded mode when no issuer or audience is configured. */
export const LOCAL_ISSUER = 'ntm-local';
export const LOCAL_AUDIENCE = 'ntm-dossier-api';

export interface LocalKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

const PRIVATE_FILE = 'es256-private.pem';
const PUBLIC_FILE = 'es256-public.pem';

/** Reads the key pair from `dir`, generating it on first use (private key written with mode 0600). */
export async function ensureLocalKeyPair(dir: string): Promise<LocalKeyPair> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  try {
    const pem = await readFile(join(dir, PRIVATE_FILE), 'utf8');
    const privateKey = createPrivateKey(pem);
    return { privateKey, publicKey: createPublicKey(privateKey) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  // 'wx' fails if another process created the file in between; that process's key then wins on the next read.
  await writeFile(join(dir, PRIVATE_FILE), privateKey.export({ type: 'pkcs8', format: 'pem' }), {
    mode: 0o600,
    flag: 'wx',
  });
  await writeFile(join(dir, PUBLIC_FILE), publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644 });
  return { privateKey, publicKey };
}

export interface SignOptions {
  privateKey: KeyObject;
  actor: DomainActor;
  onBehalfOf?: DomainActor | undefined;
  issuer?: string;
  audience?: string;
  /** lifetime in seconds; default 8 hours */
  ttlSeconds?: number;
  /** issue time; default now */
  now?: Date;
}

/** Signs an ES256 token for an actor (development and tests). */
export async function signLocalToken(options: SignOptions): Promise<string> {
  const iat = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const claims: Record<string, unknown> = { role: options.actor.role, unit: options.actor.unit };
  if (options.onBehalfOf) {
    const { id, role, unit } = options.onBehalfOf;
    claims['on_behalf_of'] = { sub: id, role, unit };
  }
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
    .setSubject(options.actor.id)
    .setIssuer(options.issuer ?? LOCAL_ISSUER)
    .setAudience(options.audience ?? LOCAL_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (options.ttlSeconds ?? 8 * 3600))
    .sign(options.privateKey);
}

/** Parses a lifetime such as "8h", "30m", "90s" or "2d" into seconds; undefined when malformed. */
export function parseTtl(text: string): number | undefined {
  const match = /^(\d{1,6})([smhd])$/.exec(text);
  if (!match) return undefined;
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[match[2] as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}
