import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, UnsecuredJWT, exportJWK } from 'jose';
import { AuthError } from './errors.js';
import { ensureLocalKeyPair, parseTtl, signLocalToken, type LocalKeyPair } from './localKeys.js';
import { createTokenVerifier, type TokenVerifier, type VerifierOptions } from './verifier.js';

const now = new Date('2025-03-10T08:00:00Z');
const ISS = 'https://id.example.vn';
const AUD = 'ntm-dossier-api';
const official = { id: 'u1', role: 'commune_official' as const, unit: '01897' };

let dir: string;
let keys: LocalKeyPair;
let verify: TokenVerifier;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ntm-auth-'));
  keys = await ensureLocalKeyPair(join(dir, 'keys'));
  verify = createTokenVerifier({
    keys: { publicKey: keys.publicKey },
    issuer: ISS,
    audience: AUD,
    now: () => now,
  });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const sign = (extra: { issuer?: string; audience?: string; ttlSeconds?: number; at?: Date } = {}) =>
  signLocalToken({
    privateKey: keys.privateKey,
    actor: official,
    issuer: extra.issuer ?? ISS,
    audience: extra.audience ?? AUD,
    ttlSeconds: extra.ttlSeconds ?? 3600,
    now: extra.at ?? now,
  });

/** A verifier of this file's issuer and audience at `now`, with `extra` on top. */
const verifierWith = (extra: Partial<VerifierOptions> = {}) =>
  createTokenVerifier({
    keys: { publicKey: keys.publicKey },
    issuer: ISS,
    audience: AUD,
    now: () => now,
    ...extra,
  });

async function refusal(token: string, v: TokenVerifier = verify): Promise<string> {
  const error = await v(token).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthError);
  return (error as AuthError).code;
}

describe('createTokenVerifier', () => {
  it('maps the claims of a valid token to the domain actor, with delegation', async () => {
    expect(await verify(await sign())).toEqual({ actor: official });
    const delegated = await signLocalToken({
      privateKey: keys.privateKey,
      actor: official,
      onBehalfOf: { id: 'chair', role: 'commune_chairman', unit: '01897' },
      issuer: ISS,
      audience: AUD,
      now,
    });
    expect((await verify(delegated)).onBehalfOf).toEqual({
      id: 'chair',
      role: 'commune_chairman',
      unit: '01897',
    });
  });

  it('refuses expired, wrong-issuer and wrong-audience tokens', async () => {
    expect(await refusal(await sign({ at: new Date(now.getTime() - 7200_000) }))).toBe('TOKEN_EXPIRED');
    expect(await refusal(await sign({ issuer: 'https://evil.example' }))).toBe('TOKEN_INVALID');
    expect(await refusal(await sign({ audience: 'other-api' }))).toBe('TOKEN_INVALID');
  });

  it('refuses alg none, HS256 signed with the public key, and a token from another key', async () => {
    const none = new UnsecuredJWT({ role: 'commune_official', unit: '01897' })
      .setSubject('u1')
      .setIssuer(ISS)
      .setAudience(AUD)
      .setExpirationTime(Math.floor(now.getTime() / 1000) + 600)
      .encode();
    expect(await refusal(none)).toBe('TOKEN_INVALID');
    const publicPem = keys.publicKey.export({ type: 'spki', format: 'pem' });
    const hs = await new SignJWT({ role: 'commune_official', unit: '01897' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u1')
      .setIssuer(ISS)
      .setAudience(AUD)
      .setExpirationTime(Math.floor(now.getTime() / 1000) + 600)
      .sign(new TextEncoder().encode(String(publicPem)));
    expect(await refusal(hs)).toBe('TOKEN_INVALID');
    const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const forged = await signLocalToken({
      privateKey: other.privateKey,
      actor: official,
      issuer: ISS,
      audience: AUD,
      now,
    });
    expect(await refusal(forged)).toBe('TOKEN_INVALID');
    expect(await refusal('not.a.jwt')).toBe('TOKEN_INVALID');
  });

  it('refuses tokens whose role or unit is missing or unknown', async () => {
    const bad = await new SignJWT({ role: 'emperor', unit: '01897' })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('u1')
      .setIssuer(ISS)
      .setAudience(AUD)
      .setExpirationTime(Math.floor(now.getTime() / 1000) + 600)
      .sign(keys.privateKey);
    expect(await refusal(bad)).toBe('TOKEN_CLAIMS_INVALID');
    const noUnit = await new SignJWT({ role: 'auditor', unit: '../etc' })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('u1')
      .setIssuer(ISS)
      .setAudience(AUD)
      .setExpirationTime(Math.floor(now.getTime() / 1000) + 600)
      .sign(keys.privateKey);
    expect(await refusal(noUnit)).toBe('TOKEN_CLAIMS_INVALID');
  });

  it('accepts a public key given as PEM text or JWK JSON and pins its algorithm', async () => {
    const pem = String(keys.publicKey.export({ type: 'spki', format: 'pem' }));
    const jwk = JSON.stringify(await exportJWK(keys.publicKey));
    for (const publicKey of [pem, jwk]) {
      const v = createTokenVerifier({ keys: { publicKey }, issuer: ISS, audience: AUD, now: () => now });
      expect((await v(await sign())).actor).toEqual(official);
    }
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rsaVerify = createTokenVerifier({
      keys: { publicKey: rsa.publicKey },
      issuer: ISS,
      audience: AUD,
      now: () => now,
    });
    expect(await refusal(await sign(), rsaVerify)).toBe('TOKEN_INVALID');
    expect(() => createTokenVerifier({ keys: { publicKey: 'garbage' }, issuer: ISS, audience: AUD })).toThrow(
      AuthError,
    );
  });
});

describe('the verified-token cache', () => {
  it('answers a repeated token from the cache but never past its expiry or for a tampered copy', async () => {
    let at = now;
    const v = createTokenVerifier({
      keys: { publicKey: keys.publicKey },
      issuer: ISS,
      audience: AUD,
      now: () => at,
    });
    const token = await sign({ ttlSeconds: 600 });
    expect((await v(token)).actor).toEqual(official);
    expect((await v(token)).actor).toEqual(official);
    const [head, body, signature] = token.split('.') as [string, string, string];
    const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(await refusal(`${head}.${body}.${flipped}`, v)).toBe('TOKEN_INVALID');
    at = new Date(now.getTime() + 599_000);
    expect((await v(token)).actor).toEqual(official);
    at = new Date(now.getTime() + 600_000);
    expect(await refusal(token, v)).toBe('TOKEN_EXPIRED');
  });

  it('keeps a working set of 1,500 users: each token is checked once over three rounds', async () => {
    // 1,000 was the default: a round over more users than that evicted each token before it came round again,
    // and every request paid a signature check (the bursts of bench:projections, ADR 0068).
    const v = verifierWith();
    const tokens = await Promise.all(
      Array.from({ length: 1500 }, (_, i) =>
        signLocalToken({
          privateKey: keys.privateKey,
          actor: { ...official, id: `u${i}` },
          issuer: ISS,
          audience: AUD,
          ttlSeconds: 3600,
          now,
        }),
      ),
    );
    for (let round = 0; round < 3; round++) for (const token of tokens) await v(token);
    expect(v.checks).toMatchObject({
      verified: 1500,
      cached: 3000,
      joined: 0,
      refused: 0,
      cachedTokens: 1500,
    });

    const small = verifierWith({ cacheSize: 1000 });
    for (let round = 0; round < 3; round++) for (const token of tokens) await small(token);
    expect(small.checks).toMatchObject({ verified: 4500, cached: 0, cachedTokens: 1000 });
  });

  it('holds no more tokens than its size, the least recently used going first', async () => {
    const v = verifierWith({ cacheSize: 2 });
    const [a, b, c] = await Promise.all(
      ['a', 'b', 'c'].map((id) =>
        signLocalToken({
          privateKey: keys.privateKey,
          actor: { ...official, id },
          issuer: ISS,
          audience: AUD,
          now,
        }),
      ),
    );
    await v(a!);
    await v(b!);
    await v(a!); // a is now the more recent of the two
    await v(c!); // evicts b
    expect(v.checks).toMatchObject({ verified: 3, cached: 1, cachedTokens: 2 });
    await v(a!);
    await v(b!);
    expect(v.checks).toMatchObject({ verified: 4, cached: 2, cachedTokens: 2 });
  });

  it('checks a new token once for the requests that bring it together, and a refusal reaches each of them', async () => {
    const v = verifierWith();
    const token = await sign();
    const principals = await Promise.all(Array.from({ length: 10 }, () => v(token)));
    expect(principals.map((p) => p.actor.id)).toEqual(Array(10).fill(official.id));
    expect(v.checks).toMatchObject({ verified: 1, joined: 9, cached: 0 });
    await v(token);
    expect(v.checks).toMatchObject({ verified: 1, joined: 9, cached: 1 });

    const wrong = await sign({ audience: 'another-api' });
    const codes = await Promise.all(Array.from({ length: 3 }, () => refusal(wrong, v)));
    expect(codes).toEqual(['TOKEN_INVALID', 'TOKEN_INVALID', 'TOKEN_INVALID']);
    expect(v.checks).toMatchObject({ verified: 2, joined: 11, refused: 1, cachedTokens: 1 });
    // A refusal is not remembered: the next request with it is checked again.
    expect(await refusal(wrong, v)).toBe('TOKEN_INVALID');
    expect(v.checks).toMatchObject({ verified: 3, refused: 2 });
  });

  it('does not accept a cached token before its not-before time', async () => {
    let at = now;
    const v = createTokenVerifier({
      keys: { publicKey: keys.publicKey },
      issuer: ISS,
      audience: AUD,
      now: () => at,
    });
    const seconds = Math.floor(now.getTime() / 1000);
    const token = await new SignJWT({ role: 'commune_official', unit: '01897' })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('u1')
      .setIssuer(ISS)
      .setAudience(AUD)
      .setNotBefore(seconds)
      .setExpirationTime(seconds + 600)
      .sign(keys.privateKey);
    expect((await v(token)).actor).toEqual(official);
    at = new Date(now.getTime() - 60_000);
    expect(await refusal(token, v)).toBe('TOKEN_INVALID');
  });
});

describe('ensureLocalKeyPair', () => {
  it('generates the pair once, private key mode 0600, and reuses it', async () => {
    const again = await ensureLocalKeyPair(join(dir, 'keys'));
    expect(again.publicKey.equals(keys.publicKey)).toBe(true);
    const mode = (await stat(join(dir, 'keys', 'es256-private.pem'))).mode & 0o777;
    expect(mode).toBe(0o600);
  });

  it('parses token lifetimes', () => {
    expect(parseTtl('8h')).toBe(28800);
    expect(parseTtl('30m')).toBe(1800);
    expect(parseTtl('8 hours')).toBeUndefined();
  });
});
