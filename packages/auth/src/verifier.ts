/**
 * Bearer-token verification with jose. The accepted algorithms are pinned: with a configured public key, the one
 * algorithm that key type signs (ES256, RS256 or EdDSA); with a JWKS URL, those three. `alg: none` and HMAC
 * algorithms are therefore refused, which closes the "sign HS256 with the public key" confusion attack.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { ROLES, type DomainActor, type Role } from '@ntm/domain';
import { AuthError } from './errors.js';

/** The asymmetric algorithms the engine accepts. */
export const ALLOWED_ALGORITHMS = ['ES256', 'RS256', 'EdDSA'] as const;
export type AllowedAlgorithm = (typeof ALLOWED_ALGORITHMS)[number];

/** Where verification keys come from: a JWKS endpoint, or one public key (PEM SPKI or JWK JSON). */
export type KeySource = { jwksUrl: string } | { publicKey: string | KeyObject };

export interface VerifierOptions {
  keys: KeySource;
  /** required `iss` claim (one of these) */
  issuer: string | string[];
  /** required `aud` claim */
  audience: string;
  /** clock used for `exp`/`nbf`; default the system clock */
  now?: () => Date;
  /**
   * How many verified tokens to remember, so that a client's next request skips the signature check (an ES256
   * verification was the largest single CPU cost of a request); default `DEFAULT_TOKEN_CACHE_SIZE`, 0 turns the
   * cache off. It should hold every token in use within five minutes: a working set larger than the cache is
   * evicted before it comes round again, and then every request pays the check (docs/adr/0068).
   */
  cacheSize?: number;
}

/** About 560 bytes of heap a local ES256 token and its principal (measured), 1 KB for a longer one: 10 MB at most. */
export const DEFAULT_TOKEN_CACHE_SIZE = 10_000;

/** How a verifier has answered since it was made; the service exports them as metrics. */
export interface TokenChecks {
  /** answered from the cache of verified tokens */
  readonly cached: number;
  /** signature and claims checked: a token not in the cache */
  readonly verified: number;
  /** answered by the check of the same token already running (requests that came together) */
  readonly joined: number;
  /** refused by a check (bad signature, expired, wrong issuer or claims); a joined request is not counted again */
  readonly refused: number;
  /** tokens in the cache now */
  readonly cachedTokens: number;
}

/** Who a verified token speaks for. */
export interface Principal {
  actor: DomainActor;
  /** set when the token carries `on_behalf_of` (delegation) */
  onBehalfOf?: DomainActor | undefined;
}

export type TokenVerifier = ((token: string) => Promise<Principal>) & {
  /** set by `createTokenVerifier` (a test's stand-in need not count) */
  readonly checks?: TokenChecks;
};

const UNIT = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;

/** Algorithm a public key can sign with, or a KEY_INVALID error for any other key type. */
export function algorithmFor(key: KeyObject): AllowedAlgorithm {
  if (key.type !== 'public') throw new AuthError('KEY_INVALID', 'verification key must be a public key');
  const kind = key.asymmetricKeyType;
  if (kind === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  if (kind === 'rsa') return 'RS256';
  if (kind === 'ed25519') return 'EdDSA';
  throw new AuthError('KEY_INVALID', `unsupported verification key type ${String(kind)}`);
}

/** Parses a PEM (SPKI) or JWK-JSON public key. */
export function parsePublicKey(text: string): KeyObject {
  try {
    const trimmed = text.trim();
    if (trimmed.startsWith('{'))
      return createPublicKey({ key: JSON.parse(trimmed) as object, format: 'jwk' } as never);
    return createPublicKey(trimmed);
  } catch (cause) {
    throw new AuthError('KEY_INVALID', 'verification key is neither a PEM public key nor a JWK', { cause });
  }
}

function actorFrom(value: unknown, what: string): DomainActor {
  const claims = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const { sub, role, unit } = claims;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 200) {
    throw new AuthError('TOKEN_CLAIMS_INVALID', `${what}: sub is missing`);
  }
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
    throw new AuthError('TOKEN_CLAIMS_INVALID', `${what}: role is missing or unknown`);
  }
  if (typeof unit !== 'string' || !UNIT.test(unit)) {
    throw new AuthError('TOKEN_CLAIMS_INVALID', `${what}: unit is missing or malformed`);
  }
  return { id: sub, role: role as Role, unit };
}

/** Maps verified claims to the domain actor (`sub`, `role`, `unit`, optional `on_behalf_of: {sub, role, unit}`). */
export function principalFromClaims(payload: JWTPayload): Principal {
  const actor = actorFrom(payload, 'token');
  const delegate = payload['on_behalf_of'];
  return delegate === undefined ? { actor } : { actor, onBehalfOf: actorFrom(delegate, 'on_behalf_of') };
}

function mapJoseError(error: unknown): AuthError {
  if (error instanceof errors.JWTExpired) return new AuthError('TOKEN_EXPIRED', 'token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new AuthError('TOKEN_INVALID', `token claim "${error.claim}" is not acceptable`);
  }
  if (error instanceof errors.JOSEAlgNotAllowed)
    return new AuthError('TOKEN_INVALID', 'token algorithm is not allowed');
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new AuthError('TOKEN_INVALID', 'token signature does not verify');
  }
  if (error instanceof errors.JWKSNoMatchingKey)
    return new AuthError('TOKEN_INVALID', 'no key matches the token');
  return new AuthError('TOKEN_INVALID', 'token is malformed or unverifiable', { cause: error });
}

const payloadOf = (result: { payload: JWTPayload }): JWTPayload => result.payload;
const refuse = (error: unknown): never => {
  throw mapJoseError(error);
};

/** Builds a verifier; issuer and audience are always checked, algorithms always pinned. */
export function createTokenVerifier(options: VerifierOptions): TokenVerifier {
  const clock = options.now ?? (() => new Date());
  const verifyOptions = (algorithms: string[]) => ({
    issuer: options.issuer,
    audience: options.audience,
    algorithms,
    requiredClaims: ['exp', 'sub'],
    currentDate: clock(),
  });
  let verify: (token: string) => Promise<JWTPayload>;
  if ('jwksUrl' in options.keys) {
    const jwks = createRemoteJWKSet(new URL(options.keys.jwksUrl));
    verify = (token) =>
      jwtVerify(token, jwks, verifyOptions([...ALLOWED_ALGORITHMS])).then(payloadOf, refuse);
  } else {
    const key =
      typeof options.keys.publicKey === 'string'
        ? parsePublicKey(options.keys.publicKey)
        : options.keys.publicKey;
    const algorithm = algorithmFor(key);
    verify = (token) => jwtVerify(token, key, verifyOptions([algorithm])).then(payloadOf, refuse);
  }
  const cache = new VerifiedTokens(options.cacheSize ?? DEFAULT_TOKEN_CACHE_SIZE);
  /** Checks under way, by token: requests that bring the same new token at once wait for one check. */
  const running = new Map<string, Promise<Principal>>();
  const checks = {
    cached: 0,
    verified: 0,
    joined: 0,
    refused: 0,
    get cachedTokens() {
      return cache.size;
    },
  };
  const check = async (token: string, seconds: number): Promise<Principal> => {
    try {
      const payload = await verify(token);
      const principal = principalFromClaims(payload);
      // At most five minutes, so that a key withdrawn from a JWKS stops working soon for cached tokens too.
      cache.set(token, { principal, exp: Math.min(payload.exp!, seconds + 300), nbf: payload.nbf ?? 0 });
      return principal;
    } catch (error) {
      checks.refused++;
      throw error;
    } finally {
      running.delete(token);
    }
  };
  const verifier = (token: string): Promise<Principal> => {
    const seconds = Math.floor(clock().getTime() / 1000);
    const known = cache.get(token, seconds);
    if (known) {
      checks.cached++;
      return Promise.resolve(known);
    }
    // A joined request takes the answer judged at the first one's instant, less than a check's time earlier.
    let pending = running.get(token);
    if (pending) {
      checks.joined++;
      return pending;
    }
    checks.verified++;
    pending = check(token, seconds);
    running.set(token, pending);
    return pending;
  };
  return Object.assign(verifier, { checks });
}

/**
 * Tokens that verified, keyed by the whole token (signature included, so a forged token never matches). An entry
 * is used only inside the token's own `nbf`..`exp` window (and five minutes at most), judged exactly as jose judges it (no tolerance);
 * outside it the token is verified again, which refuses it with the usual error. Least recently used go first.
 */
class VerifiedTokens {
  private readonly entries = new Map<string, { principal: Principal; exp: number; nbf: number }>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(token: string, nowSeconds: number): Principal | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    this.entries.delete(token);
    if (nowSeconds >= entry.exp || nowSeconds < entry.nbf) return undefined;
    this.entries.set(token, entry);
    return entry.principal;
  }

  set(token: string, entry: { principal: Principal; exp: number; nbf: number }): void {
    if (this.capacity <= 0) return;
    this.entries.set(token, entry);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}
