/**
 * The web app as an extension of the API's service (`runService`): one process and one port serve the API and
 * the web app. With no external OIDC provider configured, the embedded one runs at /oidc, signs with the local
 * development key (so the API accepts its access tokens) and offers the demo accounts, which the banner lists.
 */
import { randomBytes, type KeyObject } from 'node:crypto';
import { ensureLocalKeyPair } from '@ntm/auth';
import { localKeyDir, type Config } from '@ntm/runtime';
import type { ServiceExtension } from '@ntm/dossier-api';
import { vietnamDate } from '@ntm/domain';
import { demoAccounts, type DemoAccount } from './demoAccounts.js';
import { API_SCOPE, EMBEDDED_CLIENT_ID, embeddedIssuer, providerOnFirstUse } from './embeddedProvider.js';
import type { IdentityConfig } from './login.js';
import { registerWeb, type WebOptions } from './webApp.js';
import { redisSessionRecords, sessionStore, sqlSessionRecords } from './sessionStore.js';

/** The web app's settings from the environment and the address the service listens on. */
export async function webOptions(
  config: Config,
  now: () => Date,
  base: string,
  local: boolean,
): Promise<WebOptions> {
  const publicUrl = (config.PUBLIC_URL ?? base).replace(/\/+$/, '');
  // Unset: a fresh secret per process; sessions end with the process, which suits the embedded default.
  const sessionSecret = config.SESSION_SECRET ?? randomBytes(32).toString('base64url');
  const claims = { roleClaim: config.OIDC_ROLE_CLAIM, unitClaim: config.OIDC_UNIT_CLAIM };
  if (config.OIDC_ISSUER) {
    return {
      publicUrl,
      now,
      sessionSecret,
      identity: {
        issuer: config.OIDC_ISSUER,
        clientId: config.OIDC_CLIENT_ID!,
        clientSecret: config.OIDC_CLIENT_SECRET!,
        redirectUri: `${publicUrl}/auth/callback`,
        scope: 'openid profile',
        allowHttp: false,
        ...claims,
      },
    };
  }
  if (!local) {
    throw new Error(
      'the embedded OIDC provider signs with the local development key, which the API does not accept when JWKS_URL or JWT_PUBLIC_KEY is set: set OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET too',
    );
  }
  const { privateKey } = await ensureLocalKeyPair(localKeyDir(config));
  return embeddedWebOptions({
    publicUrl,
    now,
    sessionSecret,
    signingKey: privateKey,
    accounts: demoAccounts(vietnamDate(now())),
    claims,
  });
}

/**
 * The web app with the embedded provider: its client registered with a fresh secret, its tokens signed with
 * `signingKey` (the key the API verifies), the account picker on every sign-in.
 */
export function embeddedWebOptions(options: {
  publicUrl: string;
  now: () => Date;
  sessionSecret: string;
  signingKey: KeyObject;
  accounts: DemoAccount[];
  claims?: { roleClaim: string; unitClaim: string };
}): WebOptions {
  const { publicUrl, now, sessionSecret, accounts } = options;
  const clientSecret = randomBytes(32).toString('base64url');
  const provider = providerOnFirstUse({
    publicUrl,
    signingKey: options.signingKey,
    clientSecret,
    cookieKeys: [sessionSecret],
    accounts,
  });
  const identity: IdentityConfig = {
    issuer: embeddedIssuer(publicUrl),
    clientId: EMBEDDED_CLIENT_ID,
    clientSecret,
    redirectUri: `${publicUrl}/auth/callback`,
    scope: `openid ${API_SCOPE}`,
    // Always the account picker, so that signing out and in again can change the demo account.
    extraParams: { prompt: 'login' },
    idTokenAlg: 'ES256',
    allowHttp: true,
    ...(options.claims ?? { roleClaim: 'role', unitClaim: 'unit' }),
  };
  return { publicUrl, now, sessionSecret, identity, embedded: { provider, accounts } };
}

/** The start banner: where the web app and the API are, and the demo accounts of the embedded provider. */
export function webBanner(base: string, storeMode: string, accounts: DemoAccount[] | undefined): string {
  const lines = [
    `NTM dossier engine: web app at ${base}/ — API at ${base} (docs at ${base}/docs)`,
    `Store: ${storeMode}`,
  ];
  if (accounts) {
    lines.push('Sign in with any demo account (embedded OIDC provider, no password):');
    for (const a of accounts) {
      lines.push(
        `  ${a.role.padEnd(22)} ${a.unit.padEnd(14)} ${a.name}${a.before2025 ? ' (before 01/07/2025)' : ''}`,
      );
    }
    lines.push(`API tokens for scripts: pnpm run token -- --role <role> --unit <code>`);
  }
  return `${lines.join('\n')}\n`;
}

/** The extension `runService` takes: the embedded issuer, the app's routes and the banner. */
export function webExtension(config: Config, now: () => Date): ServiceExtension {
  let accounts: DemoAccount[] | undefined;
  return {
    localIssuers: (base) =>
      config.OIDC_ISSUER ? [] : [embeddedIssuer((config.PUBLIC_URL ?? base).replace(/\/+$/, ''))],
    async register(server, { base, local, sql, sqlSchema }) {
      const options = await webOptions(config, now, base, local);
      accounts = options.embedded?.accounts;
      // Sessions are wall-clock, like their cookie: shared by every process of the service.
      const wallClock = () => new Date();
      const records = config.REDIS_URL
        ? await redisSessionRecords(config.REDIS_URL, `${config.QUEUE_PREFIX}:web-session`, wallClock)
        : await sqlSessionRecords(sql, sqlSchema, wallClock);
      server.addHook('onClose', () => records.close());
      await registerWeb(server, { ...options, sessionStore: sessionStore(records, wallClock) });
    },
    banner: ({ base, storeMode }) =>
      webBanner(config.PUBLIC_URL?.replace(/\/+$/, '') ?? base, storeMode, accounts),
  };
}
