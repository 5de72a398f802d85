/**
 * Domain refusals. Every refusal names the rule and the figures, in English and Vietnamese, with a stable code the
 * API maps by `kind` (forbidden → 403, conflict → 409, unprocessable → 422).
 */

/** Stable codes of domain refusals. */
export type DomainErrorCode =
  | 'VALIDATION_FAILED'
  | 'UNKNOWN_COMMAND'
  | 'DOSSIER_NOT_OPENED'
  | 'DOSSIER_ALREADY_OPEN'
  | 'COMMAND_NOT_ALLOWED_IN_STATE'
  | 'ROLE_NOT_ALLOWED'
  | 'SEGREGATION_OF_DUTIES'
  | 'SUCCESSOR_JURISDICTION'
  | 'NO_WORKFLOW_FOR_DATE'
  | 'UNIT_NOT_ELIGIBLE'
  | 'PRECONDITION_TIER'
  | 'CONSTRUCTION_DEBT_OUTSTANDING'
  | 'SECURITY_CONDITION_NOT_MET'
  | 'KIND_FIELDS_INVALID'
  | 'CRITERION_UNKNOWN'
  | 'SELF_ASSESSMENT_INCOMPLETE'
  | 'DOCUMENT_DUPLICATE'
  | 'DOCUMENT_KIND_MISMATCH'
  | 'CHECKLIST_INCOMPLETE'
  | 'NOTICE_START_IN_FUTURE'
  | 'NOTICE_PERIOD_NOT_OVER'
  | 'COMMENT_DUPLICATE'
  | 'COMMENT_NOT_FOUND'
  | 'COMMENTS_UNANSWERED'
  | 'POLL_VILLAGE_OUTSIDE_UNIT'
  | 'POLL_NO_TALLIES'
  | 'POLL_COVERAGE_TOO_LOW'
  | 'POLL_BELOW_PASS_MARK'
  | 'PROPOSAL_MEETING_BELOW_SHARE'
  | 'VERIFICATION_NOT_PASSED'
  | 'APPRAISAL_NOT_PASSED'
  | 'COUNCIL_QUORUM_NOT_MET'
  | 'COUNCIL_BALLOT_NO_USED'
  | 'COUNCIL_NOT_BALLOT_MEMBER'
  | 'COUNCIL_MEMBER_RECUSED'
  | 'COUNCIL_VOTE_ALREADY_CAST'
  | 'DECISION_CONTRADICTS_COUNCIL'
  | 'DECIDER_NOT_COMPETENT'
  | 'REVOCATION_NO_GROUNDS'
  | 'CALENDAR_MISSING_YEAR'
  | 'DEADLINE_NOT_OPEN'
  | 'DEADLINE_NOT_DUE'
  | 'DEADLINE_OVERDUE'
  | 'DEADLINE_NOT_OVERDUE'
  | 'RETURN_DATE_INVALID'
  | 'EVENT_DATA_INVALID'
  | 'TIER_NOT_IN_PROGRAMME'
  | 'VILLAGE_COUNCIL_REQUIRED'
  | 'VILLAGE_COUNCIL_NOT_ENABLED'
  | 'RESULTS_NOT_AVAILABLE'
  | 'MERGER_NEEDS_FULL_PROCEDURE'
  | 'MERGER_TIER_NOT_LOWEST'
  | 'MERGER_PREDECESSORS_MISMATCH'
  | 'MERGER_STATUS_MISMATCH'
  | 'COMPLAINT_TARGET_INVALID'
  | 'COMPLAINT_WINDOW_CLOSED'
  | 'COMPLAINT_NOT_ISSUER'
  | 'DECISION_NOT_TAKEN'
  | 'DECISION_ALREADY_SIGNED';

export type DomainErrorKind = 'forbidden' | 'conflict' | 'unprocessable';

const KIND_OF: Record<DomainErrorCode, DomainErrorKind> = {
  VALIDATION_FAILED: 'unprocessable',
  UNKNOWN_COMMAND: 'unprocessable',
  DOSSIER_NOT_OPENED: 'conflict',
  DOSSIER_ALREADY_OPEN: 'conflict',
  COMMAND_NOT_ALLOWED_IN_STATE: 'conflict',
  ROLE_NOT_ALLOWED: 'forbidden',
  SEGREGATION_OF_DUTIES: 'forbidden',
  SUCCESSOR_JURISDICTION: 'forbidden',
  DECIDER_NOT_COMPETENT: 'forbidden',
  NO_WORKFLOW_FOR_DATE: 'unprocessable',
  UNIT_NOT_ELIGIBLE: 'unprocessable',
  PRECONDITION_TIER: 'unprocessable',
  CONSTRUCTION_DEBT_OUTSTANDING: 'unprocessable',
  SECURITY_CONDITION_NOT_MET: 'unprocessable',
  KIND_FIELDS_INVALID: 'unprocessable',
  CRITERION_UNKNOWN: 'unprocessable',
  SELF_ASSESSMENT_INCOMPLETE: 'conflict',
  DOCUMENT_DUPLICATE: 'conflict',
  DOCUMENT_KIND_MISMATCH: 'conflict',
  CHECKLIST_INCOMPLETE: 'conflict',
  NOTICE_START_IN_FUTURE: 'unprocessable',
  NOTICE_PERIOD_NOT_OVER: 'conflict',
  COMMENT_DUPLICATE: 'conflict',
  COMMENT_NOT_FOUND: 'unprocessable',
  COMMENTS_UNANSWERED: 'conflict',
  POLL_VILLAGE_OUTSIDE_UNIT: 'unprocessable',
  POLL_NO_TALLIES: 'conflict',
  POLL_COVERAGE_TOO_LOW: 'conflict',
  POLL_BELOW_PASS_MARK: 'conflict',
  PROPOSAL_MEETING_BELOW_SHARE: 'conflict',
  VERIFICATION_NOT_PASSED: 'conflict',
  APPRAISAL_NOT_PASSED: 'conflict',
  COUNCIL_QUORUM_NOT_MET: 'conflict',
  COUNCIL_BALLOT_NO_USED: 'conflict',
  COUNCIL_NOT_BALLOT_MEMBER: 'forbidden',
  COUNCIL_MEMBER_RECUSED: 'conflict',
  COUNCIL_VOTE_ALREADY_CAST: 'conflict',
  DECISION_CONTRADICTS_COUNCIL: 'conflict',
  REVOCATION_NO_GROUNDS: 'conflict',
  CALENDAR_MISSING_YEAR: 'unprocessable',
  DEADLINE_NOT_OPEN: 'conflict',
  DEADLINE_NOT_DUE: 'conflict',
  DEADLINE_OVERDUE: 'conflict',
  DEADLINE_NOT_OVERDUE: 'conflict',
  RETURN_DATE_INVALID: 'unprocessable',
  // The dossier's own record cannot be read: no command can be decided on it until it is repaired.
  EVENT_DATA_INVALID: 'conflict',
  // The tier has no criteria in the programme in force (advanced or model from 15/02/2026).
  TIER_NOT_IN_PROGRAMME: 'unprocessable',
  VILLAGE_COUNCIL_REQUIRED: 'conflict',
  VILLAGE_COUNCIL_NOT_ENABLED: 'conflict',
  RESULTS_NOT_AVAILABLE: 'conflict',
  MERGER_NEEDS_FULL_PROCEDURE: 'unprocessable',
  MERGER_TIER_NOT_LOWEST: 'unprocessable',
  MERGER_PREDECESSORS_MISMATCH: 'unprocessable',
  // A declared predecessor status the recognition record contradicts.
  MERGER_STATUS_MISMATCH: 'unprocessable',
  COMPLAINT_TARGET_INVALID: 'unprocessable',
  // Filed after the Law's window (Art. 9): the complaint is not received.
  COMPLAINT_WINDOW_CLOSED: 'unprocessable',
  COMPLAINT_NOT_ISSUER: 'forbidden',
  DECISION_NOT_TAKEN: 'conflict',
  DECISION_ALREADY_SIGNED: 'conflict',
};

/**
 * A command the law (or the workflow) refuses. Never thrown by `decide`: returned as `{ ok: false, error }`.
 * The one thrown refusal is `EVENT_DATA_INVALID`, from the fold (`evolve`/`replay`): a stored event of the dossier
 * breaks its contract, so no state, and no decision, can be built on it.
 */
export class DomainError extends Error {
  readonly kind: DomainErrorKind;

  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly messageVi: string,
    readonly params?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = 'DomainError';
    this.kind = KIND_OF[code];
  }
}
