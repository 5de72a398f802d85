/** A document file's bytes from a blob store, for a bundle: undefined when the store does not have it. */
import type { Readable } from 'node:stream';

export function blobReader(blobs: {
  get(hash: string): Promise<Readable>;
  exists(hash: string): Promise<boolean>;
}): (sha256: string) => Promise<Buffer | undefined> {
  return async (sha256) => {
    if (!(await blobs.exists(sha256))) return undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of await blobs.get(sha256)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };
}
