/**
 * The signer as configured (SIGNER=dev|remote|none, see @ntm/runtime's config) and the trust anchors that
 * verification checks against: SIGNER_TRUST_ANCHORS (a PEM bundle), plus the development CA when SIGNER=dev.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureDevSigningKeys } from './devKeys.js';
import type { SigningKey } from './key.js';
import { pemCertificates } from './pki.js';
import { remoteSigningKey } from './remoteSigner.js';

export interface SignerSettings {
  DATA_DIR: string;
  SIGNER: 'dev' | 'remote' | 'none';
  SIGNER_REMOTE_URL?: string | undefined;
  SIGNER_REMOTE_TOKEN?: string | undefined;
  SIGNER_REMOTE_TIMEOUT_MS: number;
  SIGNER_TRUST_ANCHORS?: string | undefined;
}

export interface OpenedSigner {
  mode: SignerSettings['SIGNER'];
  /** undefined when SIGNER=none: documents are then served unsigned */
  key: SigningKey | undefined;
  trustAnchors: Uint8Array[];
}

/** The certificates of a PEM bundle file; an error names the file when it holds none. */
export async function loadTrustAnchors(file: string): Promise<Uint8Array[]> {
  const anchors = pemCertificates(await readFile(file, 'utf8'));
  if (anchors.length === 0) throw new Error(`SIGNER_TRUST_ANCHORS: ${file} holds no PEM certificate`);
  return anchors;
}

export async function openSigner(settings: SignerSettings): Promise<OpenedSigner> {
  const configured = settings.SIGNER_TRUST_ANCHORS
    ? await loadTrustAnchors(settings.SIGNER_TRUST_ANCHORS)
    : [];
  switch (settings.SIGNER) {
    case 'dev': {
      const dev = await ensureDevSigningKeys(join(settings.DATA_DIR, 'keys'));
      return { mode: 'dev', key: dev.key, trustAnchors: [dev.trustAnchor, ...configured] };
    }
    case 'remote':
      return {
        mode: 'remote',
        key: remoteSigningKey({
          url: settings.SIGNER_REMOTE_URL!,
          token: settings.SIGNER_REMOTE_TOKEN!,
          timeoutMs: settings.SIGNER_REMOTE_TIMEOUT_MS,
        }),
        trustAnchors: configured,
      };
    case 'none':
      return { mode: 'none', key: undefined, trustAnchors: configured };
  }
}
