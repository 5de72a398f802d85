/**
 * The audit signing key as configured: the operator's key (AUDIT_SIGNING_KEY or AUDIT_SIGNING_KEY_FILE, with the
 * older public keys of AUDIT_PUBLISHED_KEYS_FILE still published), else the local ring under DATA_DIR/audit-keys,
 * generated on first use and rotated after AUDIT_KEY_ROTATE_DAYS.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { externalSigner, openLocalKeyRing, type AuditSigner } from '@ntm/audit';
import type { Config } from './config.js';

/** Where the local audit key ring lives. */
export const localAuditKeyDir = (config: Config): string => join(config.DATA_DIR, 'audit-keys');

export async function openAuditSigner(config: Config, now = new Date()): Promise<AuditSigner> {
  const privateJwk =
    config.AUDIT_SIGNING_KEY ??
    (config.AUDIT_SIGNING_KEY_FILE ? await readFile(config.AUDIT_SIGNING_KEY_FILE, 'utf8') : undefined);
  if (privateJwk === undefined)
    return openLocalKeyRing({
      dir: localAuditKeyDir(config),
      rotateAfterDays: config.AUDIT_KEY_ROTATE_DAYS,
      now,
    });
  return externalSigner({
    privateJwk,
    validFrom: config.AUDIT_SIGNING_KEY_VALID_FROM!,
    previousKeys: config.AUDIT_PUBLISHED_KEYS_FILE
      ? await readFile(config.AUDIT_PUBLISHED_KEYS_FILE, 'utf8')
      : undefined,
  });
}
