/**
 * A real, small HTTP signing service speaking the remote signer's protocol (src/remoteSigner.ts), holding a
 * development key: what the remote-signer tests and the benchmark talk to over loopback.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SigningKey } from '../../src/key.js';

export interface SigningServer {
  url: string;
  /** digests signed so far */
  readonly signed: number;
  close(): Promise<void>;
}

export async function startSigningServer(key: SigningKey, token: string): Promise<SigningServer> {
  const state = { signed: 0 };
  const server: Server = createServer((request, response) => {
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (request.headers.authorization !== `Bearer ${token}`) return reply(401, { error: 'unauthorised' });
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        if (request.method === 'GET' && request.url === '/certificates') {
          const certificates = await key.certificates();
          return reply(200, { certificates: certificates.map((c) => Buffer.from(c).toString('base64')) });
        }
        if (request.method === 'POST' && request.url === '/sign') {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
            digestAlgorithm: string;
            digest: string;
          };
          const digest = Buffer.from(body.digest, 'base64');
          if (body.digestAlgorithm !== 'SHA-256' || digest.length !== 32)
            return reply(400, { error: 'bad digest' });
          state.signed += 1;
          const signature = await key.signDigest(digest);
          return reply(200, {
            signatureAlgorithm: 'RSASSA-PKCS1-v1_5',
            signature: Buffer.from(signature).toString('base64'),
          });
        }
        reply(404, { error: 'not found' });
      })().catch(() => reply(500, { error: 'failed' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const running: SigningServer = {
    url: `http://127.0.0.1:${port}`,
    get signed() {
      return state.signed;
    },
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
  return running;
}
