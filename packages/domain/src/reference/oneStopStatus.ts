/**
 * Trạng thái hồ sơ một cửa — the status codes the national and provincial one-stop systems exchange
 * (egov-conventions.md: a secondary source, to verify against the Government Office's integration spec), and the
 * code each step of each workflow maps to. Data, versioned, each mapping with whether a source confirms it: none
 * does yet. The status feed (`GET /integration/status-feed`) reports a dossier's step changes in these codes.
 */
import type { RuleParameter } from './types.js';

/** The one-stop status codes 1-10, as the conventions list them. */
export const ONE_STOP_STATUS_CODES = {
  1: 'Mới đăng ký',
  2: 'Được tiếp nhận',
  3: 'Không được tiếp nhận',
  4: 'Đang xử lý',
  5: 'Yêu cầu bổ sung giấy tờ',
  6: 'Yêu cầu thực hiện nghĩa vụ tài chính',
  7: 'Công dân yêu cầu rút hồ sơ',
  8: 'Dừng xử lý',
  9: 'Đã xử lý xong',
  10: 'Đã trả kết quả',
} as const;
export type OneStopStatusCode = keyof typeof ONE_STOP_STATUS_CODES;

const BASIS =
  'egov-conventions.md, status codes used when syncing with the national portal (secondary source; the ' +
  "Government Office's integration spec was not read)";
const step = (code: OneStopStatusCode, note: string): RuleParameter<OneStopStatusCode> => ({
  value: code,
  legalBasis: BASIS,
  confirmed: false,
  note,
});

const PREPARING = 'prepared by the unit before the one-stop desk receives it: registered, not yet received';
const PROCESSING = 'with the verifier, appraiser, council or decider';
const DONE = 'a decision is taken (or the case closed without one); the result is not yet handed over';
const RETURNED = 'the announcement or publication hands the result over';

/**
 * The code of every step of every workflow (a test holds this table to the machines: a new step does not ship
 * without its code). Codes 3, 6 and 8 have no step: no workflow refuses to receive, charges a fee or suspends.
 */
export const ONE_STOP_STATUS = {
  id: 'one-stop-status',
  version: 1,
  codes: ONE_STOP_STATUS_CODES,
  steps: {
    preparing: step(1, PREPARING),
    noticeOpen: step(1, PREPARING),
    noticeClosed: step(1, PREPARING),
    pollReported: step(1, PREPARING),
    meetingHeld: step(1, PREPARING),
    assessing: step(1, 'the revocation is being assessed by the authority itself'),
    assessed: step(1, 'the revocation is being assessed by the authority itself'),
    filed: step(1, 'a complaint filed, not yet accepted (thụ lý)'),
    submitted: step(2, 'submitted to (received by) the authority that verifies or decides'),
    returned: step(5, 'returned for rework: the dossier must be completed'),
    verified: step(4, PROCESSING),
    forwarded: step(4, PROCESSING),
    appraised: step(4, PROCESSING),
    councilVoting: step(4, PROCESSING),
    councilApproved: step(4, PROCESSING),
    councilNotApproved: step(4, PROCESSING),
    accepted: step(4, 'a complaint accepted for resolution'),
    recognised: step(9, DONE),
    refused: step(9, DONE),
    revoked: step(9, DONE),
    kept: step(9, DONE),
    dismissed: step(9, 'the assessment found no ground to revoke: closed'),
    acknowledged: step(9, DONE),
    upheld: step(9, DONE),
    annulled: step(9, DONE),
    amended: step(9, DONE),
    announced: step(10, RETURNED),
    published: step(10, RETURNED),
    withdrawn: step(7, 'withdrawn at the request of the unit that filed it'),
  } satisfies Record<string, RuleParameter<OneStopStatusCode>>,
} as const;

/** The one-stop status of a step, or undefined for a step the table does not know (`draft`). */
export function oneStopStatusOf(
  stepName: string,
): { code: OneStopStatusCode; name: string; confirmed: boolean } | undefined {
  const mapped = (ONE_STOP_STATUS.steps as Record<string, RuleParameter<OneStopStatusCode>>)[stepName];
  if (!mapped) return undefined;
  return { code: mapped.value, name: ONE_STOP_STATUS_CODES[mapped.value], confirmed: mapped.confirmed };
}
