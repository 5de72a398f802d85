/** Errors raised by the projections. `deterministic` tells a runner that retrying the same event cannot help. */
export type ProjectionErrorCode =
  /** an event the read models cannot interpret (bad shape, or a stream that does not start with an opening) */
  | 'POISON_EVENT'
  /** a query parameter out of range or of the wrong form */
  | 'INVALID_QUERY'
  /** the stream is parked after a failure; an operator must release it */
  | 'STREAM_PARKED';

export class ProjectionError extends Error {
  constructor(
    readonly code: ProjectionErrorCode,
    message: string,
    readonly details: { streamId?: string; revision?: string; eventType?: string } = {},
  ) {
    super(message);
    this.name = 'ProjectionError';
  }

  /** Poison events fail the same way every time: runners must park the stream instead of retrying. */
  get deterministic(): boolean {
    return this.code === 'POISON_EVENT';
  }
}
