/**
 * The signer as configured (SIGNER=dev|remote|none, see @ntm/runtime's config) and the trust anchors that
 * verification checks against: SIGNER_TRUST_ANCHORS (a PEM bundle), plus the development CA when SIGNER=dev.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DevSigningKeys } from './devKeys.js';
import { DEV_SIGNER_DESCRIPTION, type SigningKey } from './key.js';
import { pemCertificates } from './pem.js';
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
  /** the certificates verification trusts (with SIGNER=dev, the development CA's, made on first use) */
  trustAnchors(): Promise<Uint8Array[]>;
}

/** The certificates of a PEM bundle file; an error names the file when it holds none. */
export async function loadTrustAnchors(file: string): Promise<Uint8Array[]> {
  const anchors = pemCertificates(await readFile(file, 'utf8'));
  if (anchors.length === 0) throw new Error(`SIGNER_TRUST_ANCHORS: ${file} holds no PEM certificate`);
  return anchors;
}

/**
 * The development signer, read or made on its first use (a signature or a verification), not when the service
 * opens: making it is two RSA keys, a CA and a certificate, and reading it loads pkijs, together most of a second
 * of the embedded default's first start on a small machine (ADR 0029). A failed attempt is made again next time.
 */
function devSignerOnFirstUse(dir: string, configured: Uint8Array[]): OpenedSigner {
  let opened: Promise<DevSigningKeys> | undefined;
  const dev = () =>
    (opened ??= import('./devKeys.js')
      .then(({ ensureDevSigningKeys }) => ensureDevSigningKeys(dir))
      .catch((error: unknown) => {
        opened = undefined;
        throw error;
      }));
  return {
    mode: 'dev',
    key: {
      description: DEV_SIGNER_DESCRIPTION,
      certificates: async () => (await dev()).key.certificates(),
      signDigest: async (digest) => (await dev()).key.signDigest(digest),
    },
    trustAnchors: async () => [(await dev()).trustAnchor, ...configured],
  };
}

export async function openSigner(settings: SignerSettings): Promise<OpenedSigner> {
  const configured = settings.SIGNER_TRUST_ANCHORS
    ? await loadTrustAnchors(settings.SIGNER_TRUST_ANCHORS)
    : [];
  const anchors = () => Promise.resolve(configured);
  switch (settings.SIGNER) {
    case 'dev':
      return devSignerOnFirstUse(join(settings.DATA_DIR, 'keys'), configured);
    case 'remote':
      return {
        mode: 'remote',
        key: remoteSigningKey({
          url: settings.SIGNER_REMOTE_URL!,
          token: settings.SIGNER_REMOTE_TOKEN!,
          timeoutMs: settings.SIGNER_REMOTE_TIMEOUT_MS,
        }),
        trustAnchors: anchors,
      };
    case 'none':
      return { mode: 'none', key: undefined, trustAnchors: anchors };
  }
}
