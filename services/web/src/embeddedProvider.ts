/**
 * The embedded OpenID Connect provider (`oidc-provider`, mounted in-process at /oidc) for the default start with
 * nothing configured: authorisation code flow with PKCE required, the demo accounts picked on a page of this app
 * (no passwords), and JWT access tokens for the API signed with the local development key, so the API accepts
 * them exactly as it accepts `pnpm run token`'s (docs/adr/0020-web-app.md).
 */
import type { KeyObject } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { default as Provider, Configuration, KoaContextWithOIDC } from 'oidc-provider';
import { exportJWK } from 'jose';
import { LOCAL_AUDIENCE } from '@ntm/auth';
import type { DemoAccount } from './demoAccounts.js';

/** The API as a resource server: the access token's audience is the API's local audience. */
export const API_RESOURCE = 'urn:ntm:dossier-api';
export const API_SCOPE = 'api';
export const EMBEDDED_CLIENT_ID = 'ntm-web';
/** The path the provider is mounted at; its issuer is the public URL plus this. */
export const OIDC_PATH = '/oidc';
/** The app's page that lets the person pick a demo account (the provider's login interaction). */
export const ACCOUNTS_PATH = '/login/accounts';

export interface EmbeddedProviderOptions {
  publicUrl: string;
  /** the local development private key (ES256): signs ID and access tokens */
  signingKey: KeyObject;
  clientSecret: string;
  cookieKeys: string[];
  accounts: DemoAccount[];
}

export const embeddedIssuer = (publicUrl: string): string => `${publicUrl}${OIDC_PATH}`;

/** Builds the provider (not yet mounted). */
export async function createEmbeddedProvider(options: EmbeddedProviderOptions): Promise<Provider> {
  const { default: Provider } = await import('oidc-provider');
  const byId = new Map(options.accounts.map((a) => [a.id, a]));
  const jwk = { ...(await exportJWK(options.signingKey)), alg: 'ES256', use: 'sig', kid: 'ntm-local' };
  const configuration: Configuration = {
    clients: [
      {
        client_id: EMBEDDED_CLIENT_ID,
        client_secret: options.clientSecret,
        redirect_uris: [`${options.publicUrl}/auth/callback`],
        post_logout_redirect_uris: [`${options.publicUrl}/`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        id_token_signed_response_alg: 'ES256',
      },
    ],
    jwks: { keys: [jwk] },
    pkce: { required: () => true },
    scopes: ['openid', API_SCOPE],
    claims: { openid: ['sub', 'role', 'unit', 'name'] },
    conformIdTokenClaims: false,
    cookies: { keys: options.cookieKeys },
    interactions: { url: (_ctx, interaction) => `${ACCOUNTS_PATH}/${interaction.uid}` },
    findAccount: (_ctx, sub) => {
      const account = byId.get(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        claims: () => ({ sub, role: account.role, unit: account.unit, name: account.name }),
      };
    },
    // First-party client of demo accounts: no consent screen; the grant covers the identity and the API.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const { client, session, provider } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const existing = session.grantIdFor(client.clientId);
      if (existing) {
        const found = await provider.Grant.find(existing);
        if (found) return found;
      }
      const grant = new provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope(`openid ${API_SCOPE}`);
      grant.addOIDCClaims(['role', 'unit', 'name']);
      grant.addResourceScope(API_RESOURCE, API_SCOPE);
      await grant.save();
      return grant;
    },
    extraTokenClaims: (_ctx, token) => {
      const account = 'accountId' in token ? byId.get(token.accountId) : undefined;
      return account ? { role: account.role, unit: account.unit } : undefined;
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => API_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: API_SCOPE,
          audience: LOCAL_AUDIENCE,
          accessTokenTTL: 8 * 3600,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'ES256' } },
        }),
      },
    },
    ttl: {
      AccessToken: 8 * 3600,
      Session: 8 * 3600,
      Grant: 8 * 3600,
      IdToken: 3600,
      Interaction: 600,
      AuthorizationCode: 60,
    },
  };
  const provider = new Provider(embeddedIssuer(options.publicUrl), configuration);
  return provider;
}

/** The provider, built when first asked for. */
export type ProviderOnDemand = () => Promise<Provider>;

/**
 * The provider built on its first use (a sign-in), not at start-up: oidc-provider and what it loads (Koa, its
 * adapters, about 400 modules) cost a third of the embedded default's module loading and 30 MB, and nothing before
 * the first sign-in needs them (ADR 0029). A failed build is tried again on the next use.
 */
export function providerOnFirstUse(options: EmbeddedProviderOptions): ProviderOnDemand {
  let built: Promise<Provider> | undefined;
  return () =>
    (built ??= createEmbeddedProvider(options).catch((error: unknown) => {
      built = undefined;
      throw error;
    }));
}

/**
 * Mounts the provider under /oidc: its own body parsing, so Fastify must not read the request (an encapsulated
 * context whose content-type parser leaves the stream alone), and the path the provider sees without the prefix.
 */
export async function mountProvider(fastify: FastifyInstance, provider: ProviderOnDemand): Promise<void> {
  let callback: ReturnType<Provider['callback']> | undefined;
  await fastify.register((scope, _opts, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, parsed) => parsed(null));
    const handle = (request: FastifyRequest, reply: FastifyReply) => {
      reply.hijack();
      const raw = request.raw as typeof request.raw & { originalUrl?: string };
      raw.originalUrl = raw.url;
      raw.url = raw.url!.slice(OIDC_PATH.length) || '/';
      provider().then(
        (built) => void (callback ??= built.callback())(raw, reply.raw),
        (error: unknown) => {
          request.log.error({ err: error }, 'the embedded OIDC provider could not be built');
          reply.raw.writeHead(500).end();
        },
      );
    };
    scope.all(OIDC_PATH, handle);
    scope.all(`${OIDC_PATH}/*`, handle);
    done();
  });
}
