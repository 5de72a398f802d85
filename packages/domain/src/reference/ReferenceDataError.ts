/** Stable codes for bad input to the reference data; callers map them to their own errors or HTTP problems. */
export type ReferenceDataErrorCode =
  | 'INVALID_DATE'
  | 'INVALID_ARGUMENT'
  /** the holiday calendar has no data for a year a deadline runs through */
  | 'CALENDAR_MISSING_YEAR'
  | 'UNIT_NOT_FOUND'
  | 'UNIT_NOT_VALID_ON_DATE'
  | 'UNIT_WRONG_TYPE'
  | 'UNIT_DATA_INVALID'
  | 'SEED_INVALID'
  | 'RULE_SET_NOT_FOUND'
  | 'CRITERIA_SET_NOT_FOUND'
  /** no national target programme is in force on the date (before 2021) */
  | 'PROGRAMME_NOT_FOUND'
  | 'UNKNOWN_INDICATOR';

/** Bad input to a reference-data function. Thrown before anything is computed, so nothing half-done escapes. */
export class ReferenceDataError extends Error {
  constructor(
    readonly code: ReferenceDataErrorCode,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = 'ReferenceDataError';
  }
}
