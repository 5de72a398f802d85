/**
 * A remote signing service over HTTP (our own small protocol, modelled on the Cloud Signature Consortium's
 * credentials/info and signatures/signHash): the engine sends only a SHA-256 digest, never the document, and the
 * key never leaves the service.
 *
 *   GET  {url}/certificates  -> 200 {"certificates": ["<base64 DER>", ...]}   signer first, then its issuers
 *   POST {url}/sign {"digestAlgorithm":"SHA-256","digest":"<base64>"}
 *                            -> 200 {"signatureAlgorithm":"RSASSA-PKCS1-v1_5","signature":"<base64>"}
 *
 * Both carry `Authorization: Bearer <SIGNER_REMOTE_TOKEN>`. A production service in front of an HSM holding a
 * public-duty certificate (Government Cipher Committee) implements these two calls or sits behind an adapter.
 */
import type { SigningKey } from './key.js';

export interface RemoteSignerOptions {
  url: string;
  token: string;
  timeoutMs?: number;
}

export class RemoteSignerError extends Error {
  readonly code = 'REMOTE_SIGNER_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'RemoteSignerError';
  }
}

export function remoteSigningKey(options: RemoteSignerOptions): SigningKey {
  const base = options.url.replace(/\/+$/, '');
  const call = async (path: string, init: RequestInit = {}): Promise<unknown> => {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new RemoteSignerError(`remote signer ${path}: ${(error as Error).message}`);
    }
    // The body of an error is not echoed: it might repeat what was sent.
    if (!response.ok) throw new RemoteSignerError(`remote signer ${path}: HTTP ${response.status}`);
    return response.json();
  };
  let certificates: Promise<Uint8Array[]> | undefined;
  return {
    description: `remote signer at ${new URL(base).host}`,
    certificates() {
      // Asked once per process; a failed answer is asked again next time.
      certificates ??= call('/certificates').then((body) => {
        const list = (body as { certificates?: unknown }).certificates;
        if (!Array.isArray(list) || list.length === 0 || !list.every((c) => typeof c === 'string')) {
          throw new RemoteSignerError(
            'remote signer /certificates: expected {"certificates": [base64, ...]}',
          );
        }
        return list.map((c: string) => new Uint8Array(Buffer.from(c, 'base64')));
      });
      certificates.catch(() => (certificates = undefined));
      return certificates;
    },
    async signDigest(digest) {
      const body = (await call('/sign', {
        method: 'POST',
        body: JSON.stringify({ digestAlgorithm: 'SHA-256', digest: Buffer.from(digest).toString('base64') }),
      })) as { signature?: unknown; signatureAlgorithm?: unknown };
      if (body.signatureAlgorithm !== 'RSASSA-PKCS1-v1_5' || typeof body.signature !== 'string') {
        throw new RemoteSignerError('remote signer /sign: expected an RSASSA-PKCS1-v1_5 signature in base64');
      }
      return new Uint8Array(Buffer.from(body.signature, 'base64'));
    },
  };
}
