import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { ConfigError, loadConfig } from './config.js';
import { openAuditSigner } from './auditKeys.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ntm-audit-config-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the audit signing key', () => {
  it('is generated into DATA_DIR/audit-keys in the embedded default (private file 0600), and kept', async () => {
    const config = loadConfig({ DATA_DIR: join(dir, 'data') });
    const first = await openAuditSigner(config);
    const again = await openAuditSigner(config);
    expect(again.kid).toBe(first.kid);
    expect(await readdir(join(dir, 'data', 'audit-keys'))).toEqual(['ring.json']);
    expect((await stat(join(dir, 'data', 'audit-keys', 'ring.json'))).mode & 0o777).toBe(0o600);
    expect(JSON.stringify(first.published)).not.toContain('"d"');
  });

  it('comes from a file in production, with the older keys still published', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const file = join(dir, 'signing.jwk');
    await writeFile(
      file,
      JSON.stringify({ ...privateKey.export({ format: 'jwk' }), kid: 'province-19-2026' }),
    );
    const older = join(dir, 'older.json');
    const retired = {
      kty: 'OKP',
      crv: 'Ed25519',
      x: 'AAAA',
      kid: 'province-19-2025',
      alg: 'EdDSA',
      use: 'sig',
      validFrom: '2025-01-01T00:00:00Z',
      validUntil: '2026-01-01T00:00:00Z',
    };
    await writeFile(older, JSON.stringify({ keys: [retired] }));
    const signer = await openAuditSigner(
      loadConfig({
        DATA_DIR: join(dir, 'unused'),
        AUDIT_SIGNING_KEY_FILE: file,
        AUDIT_SIGNING_KEY_VALID_FROM: '2026-01-01T00:00:00Z',
        AUDIT_PUBLISHED_KEYS_FILE: older,
      }),
    );
    expect(signer.kid).toBe('province-19-2026');
    expect(signer.published.keys.map((k) => k.kid)).toEqual(['province-19-2025', 'province-19-2026']);
    await expect(stat(join(dir, 'unused'))).rejects.toThrow();
  });

  it('refuses a key both in the environment and a file, and a key without its validity start', () => {
    for (const env of [
      {
        AUDIT_SIGNING_KEY: '{}',
        AUDIT_SIGNING_KEY_FILE: 'k',
        AUDIT_SIGNING_KEY_VALID_FROM: '2026-01-01T00:00:00Z',
      },
      { AUDIT_SIGNING_KEY_FILE: 'k' },
      { AUDIT_KEY_ROTATE_DAYS: '-1' },
    ]) {
      expect(() => loadConfig(env), JSON.stringify(env)).toThrow(ConfigError);
    }
  });
});
