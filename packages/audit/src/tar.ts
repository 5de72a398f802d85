/** A bundle is a plain ustar archive of a few named files, packed and read in memory with tar-stream. */
import { pack as tarPack, extract as tarExtract } from 'tar-stream';

/** Packs `files` (name → bytes, in this order) into one tar archive with a fixed mtime (reproducible). */
export async function packTar(files: ReadonlyMap<string, Uint8Array>, mtime: Date): Promise<Buffer> {
  const pack = tarPack();
  const chunks: Buffer[] = [];
  pack.on('data', (chunk) => chunks.push(chunk as Buffer));
  const finished = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  for (const [name, bytes] of files) {
    await new Promise<void>((resolve, reject) => {
      pack.entry({ name, size: bytes.length, mtime, mode: 0o644 }, Buffer.from(bytes), (error) =>
        error ? reject(error) : resolve(),
      );
    });
  }
  pack.finalize();
  await finished;
  return Buffer.concat(chunks);
}

export class TarError extends Error {
  override name = 'TarError';
}

/** Reads every regular file of a tar archive; a repeated name or anything but files is refused. */
export async function unpackTar(archive: Uint8Array): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const extract = tarExtract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk) => chunks.push(chunk as Buffer));
      stream.on('end', () => {
        if (header.type !== 'file') return next(new TarError(`${header.name} is not a file`));
        if (files.has(header.name)) return next(new TarError(`${header.name} appears twice`));
        files.set(header.name, Buffer.concat(chunks));
        next();
      });
      stream.on('error', next);
    });
    extract.on('finish', resolve);
    extract.on('error', (error: Error) => reject(new TarError(error.message)));
  });
  extract.end(Buffer.from(archive));
  await done;
  return files;
}
