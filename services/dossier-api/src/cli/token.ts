/**
 * `pnpm run token -- --role <role> --unit <code> [--sub id] [--ttl 8h]`: prints a token signed by the local
 * development key under DATA_DIR/keys (created on first use). Only for the embedded default; with JWKS_URL or
 * JWT_PUBLIC_KEY set, tokens come from the identity provider.
 */
import { parseArgs } from 'node:util';
import { ROLES, type Role } from '@ntm/domain';
import { ensureLocalKeyPair, LOCAL_AUDIENCE, LOCAL_ISSUER, parseTtl, signLocalToken } from '@ntm/auth';
import { loadConfig, localKeyDir } from '@ntm/runtime';

const USAGE = 'usage: pnpm run token -- --role <role> --unit <code> [--sub <id>] [--ttl 8h]';

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\nroles: ${ROLES.join(', ')}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  // pnpm forwards a literal "--" before the script's own arguments.
  const args = process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--'));
  const { values } = parseArgs({
    args,
    options: {
      role: { type: 'string' },
      unit: { type: 'string' },
      sub: { type: 'string' },
      ttl: { type: 'string', default: '8h' },
    },
    strict: true,
  });
  const role = values.role;
  if (!role || !(ROLES as readonly string[]).includes(role)) fail(`unknown or missing --role ${role ?? ''}`);
  if (!values.unit || !/^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/.test(values.unit))
    fail('missing or malformed --unit');
  const ttlSeconds = parseTtl(values.ttl);
  if (ttlSeconds === undefined) fail(`malformed --ttl ${values.ttl}`);
  const config = loadConfig();
  if (config.JWKS_URL || config.JWT_PUBLIC_KEY)
    fail('external keys are configured: get tokens from your identity provider');
  const { privateKey } = await ensureLocalKeyPair(localKeyDir(config));
  const token = await signLocalToken({
    privateKey,
    actor: { id: values.sub ?? `${role}-${values.unit}`, role: role as Role, unit: values.unit },
    issuer: config.JWT_ISSUER ?? LOCAL_ISSUER,
    audience: config.JWT_AUDIENCE ?? LOCAL_AUDIENCE,
    ttlSeconds,
  });
  process.stdout.write(`${token}\n`);
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
