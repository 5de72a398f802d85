/** Errors raised by every adapter. Driver errors are mapped to these at the adapter edge. */
export type EventStoreErrorCode =
  | 'WRONG_EXPECTED_REVISION'
  | 'INVALID_STREAM_ID'
  | 'INVALID_EVENT'
  | 'INVALID_REVISION'
  /** a read option (maxCount, limit, after) out of range */
  | 'INVALID_ARGUMENT'
  /** an append inside a caller's transaction that had already written something else (SQL stores) */
  | 'APPEND_NOT_FIRST_WRITE'
  | 'STORE_UNAVAILABLE';

export class EventStoreError extends Error {
  constructor(
    readonly code: EventStoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EventStoreError';
  }
}

/** The one conflict error, whatever store raised it. */
export class WrongExpectedRevisionError extends EventStoreError {
  constructor(
    readonly streamId: string,
    readonly expected: string,
    readonly actual: bigint | undefined,
  ) {
    super(
      'WRONG_EXPECTED_REVISION',
      `stream ${streamId}: expected revision ${expected}, actual ${actual === undefined ? 'no stream' : String(actual)}`,
    );
    this.name = 'WrongExpectedRevisionError';
  }
}
