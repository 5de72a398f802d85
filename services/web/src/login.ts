/**
 * Sign-in as an OpenID Connect relying party (`openid-client`): authorisation code flow with PKCE and state, the
 * tokens kept in the server-side session, never in the browser. The same code serves the embedded provider and
 * any external one (a provincial SSO, Keycloak); only the configuration differs (docs/web.md).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import * as oidc from 'openid-client';
import { ROLES, type Role } from '@ntm/domain';
import type { WebUser } from './session.js';
import { csrfChecked } from './context.js';

export interface IdentityConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** this app's callback, as registered at the provider */
  redirectUri: string;
  scope: string;
  /** extra authorisation parameters (the embedded provider: always show the account picker) */
  extraParams?: Record<string, string>;
  /** the ID token's signing algorithm (ES256 for the embedded provider, RS256 by default) */
  idTokenAlg?: string;
  roleClaim: string;
  unitClaim: string;
  /** plain HTTP issuers are allowed only for the embedded provider on this machine */
  allowHttp: boolean;
}

/** A relying party that discovers its provider on first use (the embedded one only answers once listening). */
export function relyingParty(config: IdentityConfig) {
  let discovered: Promise<oidc.Configuration> | undefined;
  const configuration = () => {
    discovered ??= oidc
      .discovery(
        new URL(config.issuer),
        config.clientId,
        {
          client_secret: config.clientSecret,
          ...(config.idTokenAlg ? { id_token_signed_response_alg: config.idTokenAlg } : {}),
        },
        undefined,
        config.allowHttp ? { execute: [oidc.allowInsecureRequests] } : undefined,
      )
      .catch((error: unknown) => {
        discovered = undefined;
        throw error;
      });
    return discovered;
  };

  return {
    /** The provider's authorisation URL for a new login, and what the callback must check. */
    async start(): Promise<{ url: string; codeVerifier: string; state: string }> {
      const codeVerifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const url = oidc.buildAuthorizationUrl(await configuration(), {
        redirect_uri: config.redirectUri,
        scope: config.scope,
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        ...config.extraParams,
      });
      return { url: url.href, codeVerifier, state };
    },

    /** Exchanges the callback's code for tokens and maps the ID token's claims to the engine's user. */
    async finish(
      callbackUrl: URL,
      pending: { codeVerifier: string; state: string },
      nowSeconds: number,
    ): Promise<WebUser> {
      const tokens = await oidc.authorizationCodeGrant(await configuration(), callbackUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
      });
      const claims: Record<string, unknown> = tokens.claims() ?? {};
      const role = claims[config.roleClaim];
      const unit = claims[config.unitClaim];
      if (
        typeof role !== 'string' ||
        !(ROLES as readonly string[]).includes(role) ||
        typeof unit !== 'string'
      ) {
        throw new LoginError(
          `the ID token has no engine role and unit in claims "${config.roleClaim}" and "${config.unitClaim}"`,
        );
      }
      return {
        id: String(claims['sub']),
        role: role as Role,
        unit,
        name: typeof claims['name'] === 'string' ? claims['name'] : undefined,
        accessToken: tokens.access_token,
        expiresAt: nowSeconds + (tokens.expiresIn() ?? 3600),
        idToken: tokens.id_token,
      };
    },
  };
}

export type RelyingParty = ReturnType<typeof relyingParty>;

export class LoginError extends Error {
  readonly code = 'LOGIN_FAILED';
}

/** The full URL of the current request at the public address (the provider redirected to it). */
export function publicUrlOf(request: FastifyRequest, publicUrl: string): URL {
  return new URL(request.url, publicUrl);
}

/** Registers /login, /auth/callback and /logout. */
export function loginRoutes(
  fastify: FastifyInstance,
  rp: RelyingParty,
  publicUrl: string,
  nowSeconds: () => number,
): void {
  fastify.get('/login', async (request, reply) => {
    const returnTo = safeReturn((request.query as { returnTo?: string }).returnTo);
    const { url, codeVerifier, state } = await rp.start();
    request.session.login = { codeVerifier, state, returnTo };
    return reply.redirect(url);
  });

  fastify.get('/auth/callback', async (request, reply) => {
    const pending = request.session.login;
    if (!pending) return reply.redirect('/login');
    request.session.login = undefined;
    const user = await rp.finish(publicUrlOf(request, publicUrl), pending, nowSeconds());
    // A new session id on sign-in: a session fixed before it is worth nothing after.
    await request.session.regenerate();
    request.session.user = user;
    return reply.redirect(pending.returnTo);
  });

  fastify.post('/logout', csrfChecked(fastify), async (request, reply) => {
    await request.session.destroy();
    return reply.redirect('/');
  });
}

/** Only paths of this app: never an open redirect to another site. */
export function safeReturn(value: string | undefined): string {
  return value && /^\/(?![/\\])[\x21-\x7e]*$/.test(value) ? value : '/inbox';
}
