/**
 * The spool's batched writes: chunks gathered into one `writev` (the chunks themselves), a short write continued
 * where it stopped, and nothing left of a source that fails after batches were written. The adapters' shared behaviour is in the contract suite (`describeBlobStoreContract`).
 */
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSpooled, spool, SPOOL_HEAD_BYTES, SPOOL_WRITE_BYTES, writevAll } from './spool.js';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** `bytes` cut into chunks of the given sizes in turn (as a socket delivers them: uneven, some empty). */
async function* unevenChunks(bytes: Uint8Array, sizes: number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (let i = 0; at < bytes.byteLength; i++) {
    const size = sizes[i % sizes.length]!;
    yield await Promise.resolve(bytes.subarray(at, at + size));
    at += size;
  }
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ntm-spool-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('spool', () => {
  it('writes uneven chunks across several batches intact, hashed as they came', async () => {
    const bytes = randomBytes(3 * SPOOL_WRITE_BYTES + 12_345);
    const spooled = await spool(join(dir, 'a'), unevenChunks(bytes, [1, 0, 65_536, 7, 300_000, 16_384]));
    expect({ hash: spooled.hash, size: spooled.size }).toEqual({
      hash: sha256(bytes),
      size: bytes.byteLength,
    });
    expect((await readFile(spooled.path)).equals(bytes)).toBe(true);
  });

  it('keeps nothing of a source that fails after whole batches were written', async () => {
    const bytes = randomBytes(2 * SPOOL_WRITE_BYTES + 1);
    async function* failing() {
      yield* unevenChunks(bytes, [65_536]);
      throw new Error('connection lost');
    }
    const spoolDir = join(dir, 'b');
    await expect(spool(spoolDir, failing())).rejects.toThrow('connection lost');
    expect(await readdir(spoolDir)).toEqual([]);
  });

  it('makes its directory again when something removed it', async () => {
    const spoolDir = join(dir, 'c');
    await spool(spoolDir, unevenChunks(randomBytes(10), [10]));
    await rm(spoolDir, { recursive: true });
    const spooled = await spool(spoolDir, unevenChunks(Buffer.from('again'), [5]));
    expect((await readFile(spooled.path)).toString()).toBe('again');
  });

  it('reads the whole bytes back from its head in memory and then the file, opened only when more is read', async () => {
    const bytes = randomBytes(SPOOL_HEAD_BYTES + 300_000);
    const spooled = await spool(join(dir, 'd'), unevenChunks(bytes, [1, 65_536, 7, 16_384]));
    expect(Buffer.from(spooled.head).equals(bytes.subarray(0, SPOOL_HEAD_BYTES))).toBe(true);
    const whole: Buffer[] = [];
    for await (const chunk of readSpooled(spooled)) whole.push(chunk as Buffer);
    expect(Buffer.concat(whole).equals(bytes)).toBe(true);
    // Without the file, a reader of the head alone still gets it; one that reads on meets the missing file.
    await rm(spooled.path);
    const stream = readSpooled(spooled);
    const [first] = (await once(stream, 'data')) as [Buffer];
    expect(first.equals(bytes.subarray(0, SPOOL_HEAD_BYTES))).toBe(true);
    await expect(async () => {
      for await (const _ of stream) void _;
    }).rejects.toThrow(/ENOENT/);
    const small = await spool(join(dir, 'd'), unevenChunks(Buffer.from('%PDF-1.7 small'), [3]));
    await rm(small.path);
    const served: Buffer[] = [];
    for await (const chunk of readSpooled(small)) served.push(chunk as Buffer);
    expect(Buffer.concat(served).toString()).toBe('%PDF-1.7 small');
  });

  it('continues a short writev where it stopped', async () => {
    const written: Buffer[] = [];
    // A file that takes at most 5 bytes per call, wherever that falls in the chunks.
    const file = {
      writev: (chunks: Uint8Array[]) => {
        let left = 5;
        for (const chunk of chunks) {
          const taken = chunk.subarray(0, left);
          written.push(Buffer.from(taken));
          left -= taken.byteLength;
          if (left === 0) break;
        }
        return Promise.resolve({ bytesWritten: 5 - left });
      },
    };
    const chunks = ['abc', 'defghij', '', 'k', 'lmnopqrstuvw'].map((s) => Buffer.from(s));
    await writevAll(file, chunks);
    expect(Buffer.concat(written).toString()).toBe('abcdefghijklmnopqrstuvw');
  });
});
