/** Errors every adapter raises; driver errors are mapped to these at the adapter edge. */
export type BlobStoreErrorCode = 'BLOB_NOT_FOUND' | 'BLOB_TOO_LARGE' | 'BLOB_RANGE' | 'INVALID_BLOB_HASH';

export class BlobStoreError extends Error {
  constructor(
    readonly code: BlobStoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BlobStoreError';
  }
}

export class BlobNotFoundError extends BlobStoreError {
  constructor(readonly hash: string) {
    super('BLOB_NOT_FOUND', `no blob ${hash}`);
  }
}

export class BlobTooLargeError extends BlobStoreError {
  constructor(readonly maxBytes: number) {
    super('BLOB_TOO_LARGE', `the source passed ${maxBytes} bytes`);
  }
}

export class BlobRangeError extends BlobStoreError {
  constructor(
    readonly size: number,
    readonly start: number,
    readonly end: number,
  ) {
    super('BLOB_RANGE', `range ${start}-${end} is outside a blob of ${size} bytes`);
  }
}

const HASH = /^[0-9a-f]{64}$/;

/** A hash names a file or key: anything but 64 lowercase hex digits is refused before it reaches a path. */
export function assertBlobHash(hash: string): void {
  if (!HASH.test(hash))
    throw new BlobStoreError('INVALID_BLOB_HASH', 'a blob hash is 64 lowercase hex digits');
}

/** Checks an inclusive range against a size. */
export function assertRange(size: number, range: { start: number; end: number }): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start || end >= size) {
    throw new BlobRangeError(size, start, end);
  }
}
