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

/**
 * Reads every regular file of a tar archive; a repeated name or anything but files is refused. A plain ustar
 * archive (what `packTar` writes) is read synchronously from the headers, which verification of thousands of
 * bundles notices; anything else (pax or GNU extensions) goes through tar-stream.
 */
export async function unpackTar(archive: Uint8Array): Promise<Map<string, Buffer>> {
  return (
    readUstar(Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength)) ??
    unpackWithTarStream(archive)
  );
}

const BLOCK = 512;
const text = (b: Buffer, from: number, length: number) => {
  const field = b.subarray(from, from + length);
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? length : end).toString('utf8');
};

/** The files of a plain ustar archive, or undefined when it is not one this reader takes (then tar-stream's). */
function readUstar(archive: Buffer): Map<string, Buffer> | undefined {
  const files = new Map<string, Buffer>();
  let at = 0;
  while (at + BLOCK <= archive.length) {
    const header = archive.subarray(at, at + BLOCK);
    if (header.every((byte) => byte === 0)) return files;
    if (text(header, 257, 6) !== 'ustar') return undefined;
    let sum = 0;
    for (let i = 0; i < BLOCK; i += 1) sum += i >= 148 && i < 156 ? 32 : header[i]!;
    if (Number.parseInt(text(header, 148, 8).trim(), 8) !== sum)
      throw new TarError('a header checksum is wrong');
    const type = String.fromCharCode(header[156]!);
    if (type !== '0' && type !== '\0') {
      if (type === 'x' || type === 'g' || type === 'L' || type === 'K') return undefined;
      throw new TarError(`${text(header, 0, 100)} is not a file`);
    }
    const prefix = text(header, 345, 155);
    const name = prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100);
    const size = Number.parseInt(text(header, 124, 12).trim() || '0', 8);
    if (!Number.isSafeInteger(size) || at + BLOCK + size > archive.length)
      throw new TarError(`${name} is cut short`);
    if (files.has(name)) throw new TarError(`${name} appears twice`);
    files.set(name, Buffer.from(archive.subarray(at + BLOCK, at + BLOCK + size)));
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
  throw new TarError('the archive ends without its end-of-archive blocks');
}

async function unpackWithTarStream(archive: Uint8Array): Promise<Map<string, Buffer>> {
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
