/**
 * RFC 9457 problem details with a stable `code`, in Vietnamese (default) or English (`Accept-Language: en`).
 * Every error the API answers with is a `ProblemError`; the one error handler in `plugins/errors.ts` renders it.
 */
import {
  ChainBrokenError,
  CommandRefusedError,
  DossierExistsError,
  DossierNotFoundError,
  OutOfJurisdictionError,
  RevisionMismatchError,
  type ApplicationError,
} from '@ntm/application';
import type { DomainError } from '@ntm/domain';

/** A localized message: Vietnamese first, the default language of the users. */
export interface Localized {
  vi: string;
  en: string;
}

/** An HTTP failure with a stable machine code; `detail` is shown to the client in its language. */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: Localized,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail.en);
    this.name = 'ProblemError';
  }
}

/** Problem titles per status, in both languages. */
const TITLES: Record<number, Localized> = {
  400: { vi: 'Yêu cầu không hợp lệ', en: 'Bad request' },
  401: { vi: 'Chưa xác thực', en: 'Unauthorized' },
  403: { vi: 'Không có quyền', en: 'Forbidden' },
  404: { vi: 'Không tìm thấy', en: 'Not found' },
  406: { vi: 'Không chấp nhận được', en: 'Not acceptable' },
  409: { vi: 'Xung đột', en: 'Conflict' },
  412: { vi: 'Điều kiện tiên quyết không thỏa mãn', en: 'Precondition failed' },
  413: { vi: 'Nội dung quá lớn', en: 'Content too large' },
  414: { vi: 'Đường dẫn quá dài', en: 'URI too long' },
  415: { vi: 'Kiểu nội dung không được hỗ trợ', en: 'Unsupported media type' },
  416: { vi: 'Khoảng byte không đáp ứng được', en: 'Range not satisfiable' },
  422: { vi: 'Không thể xử lý', en: 'Unprocessable content' },
  428: { vi: 'Thiếu điều kiện tiên quyết', en: 'Precondition required' },
  429: { vi: 'Quá nhiều yêu cầu', en: 'Too many requests' },
  500: { vi: 'Lỗi máy chủ', en: 'Internal server error' },
  503: { vi: 'Dịch vụ tạm thời không sẵn sàng', en: 'Service unavailable' },
};

export type Language = 'vi' | 'en';

/** Picks English only when the client's first acceptable language is English. */
export function languageOf(acceptLanguage: string | undefined): Language {
  const first = acceptLanguage?.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'vi';
}

/** The JSON body of a problem response (media type application/problem+json). */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  instance?: string;
  [extra: string]: unknown;
}

/** Renders a problem in one language; the `type` URI is stable per code. */
export function renderProblem(problem: ProblemError, lang: Language, instance?: string): ProblemBody {
  const title = TITLES[problem.status] ?? TITLES[problem.status >= 500 ? 500 : 400]!;
  return {
    type: `urn:ntm:problem:${problem.code.toLowerCase().replaceAll('_', '-')}`,
    title: title[lang],
    status: problem.status,
    code: problem.code,
    detail: problem.detail[lang],
    ...(instance ? { instance } : {}),
    ...problem.extra,
  };
}

/** The catalogue of the API's own problems, so codes and both translations live in one place. */
export const problems = {
  unauthenticated: (reason: string) =>
    new ProblemError(401, 'UNAUTHENTICATED', {
      vi: `Cần mã xác thực (Bearer) hợp lệ: ${reason}`,
      en: `A valid bearer token is required: ${reason}`,
    }),
  outOfJurisdiction: () =>
    new ProblemError(403, 'OUT_OF_JURISDICTION', {
      vi: 'Hồ sơ này nằm ngoài phạm vi quản lý của bạn',
      en: 'This dossier is outside your jurisdiction',
    }),
  statusFeedForbidden: () =>
    new ProblemError(403, 'STATUS_FEED_FORBIDDEN', {
      vi: 'Chỉ tài khoản tích hợp (integration_client) của một tỉnh được đọc luồng trạng thái của tỉnh đó',
      en: "Only a province's integration client (integration_client) may read that province's status feed",
    }),
  dossierNotFound: (id: string) =>
    new ProblemError(404, 'DOSSIER_NOT_FOUND', {
      vi: `Không tìm thấy hồ sơ ${id}`,
      en: `Dossier ${id} not found`,
    }),
  ifMatchRequired: () =>
    new ProblemError(428, 'IF_MATCH_REQUIRED', {
      vi: 'Cần tiêu đề If-Match với phiên bản hồ sơ (ETag)',
      en: 'An If-Match header with the dossier revision (ETag) is required',
    }),
  ifMatchMalformed: () =>
    new ProblemError(400, 'IF_MATCH_MALFORMED', {
      vi: 'Tiêu đề If-Match phải có dạng "<phiên bản>"',
      en: 'The If-Match header must look like "<revision>"',
    }),
  revisionMismatch: (expected: string, actual: bigint | undefined) =>
    new ProblemError(
      412,
      'REVISION_MISMATCH',
      {
        vi: 'Hồ sơ đã thay đổi kể từ phiên bản bạn đọc; hãy tải lại rồi thử lại',
        en: 'The dossier changed since the revision you read; reload and retry',
      },
      { expectedRevision: expected, currentRevision: actual === undefined ? null : String(actual) },
    ),
  dossierExists: () =>
    new ProblemError(409, 'DOSSIER_EXISTS', { vi: 'Hồ sơ đã tồn tại', en: 'The dossier already exists' }),
  idempotencyKeyReused: () =>
    new ProblemError(422, 'IDEMPOTENCY_KEY_REUSED', {
      vi: 'Khóa Idempotency-Key đã được dùng cho một yêu cầu khác',
      en: 'This Idempotency-Key was already used for a different request',
    }),
  idempotencyInProgress: () =>
    new ProblemError(409, 'IDEMPOTENCY_IN_PROGRESS', {
      vi: 'Một yêu cầu với cùng Idempotency-Key đang được xử lý; hãy thử lại sau',
      en: 'A request with the same Idempotency-Key is still being processed; retry later',
    }),
  chainBroken: () =>
    // 500, not 409: nothing the client sends can resolve it, and it must page whoever runs the service. The
    // stream is not written; the audit route `verify` names the event that fails.
    new ProblemError(500, 'CHAIN_BROKEN', {
      vi: 'Chuỗi băm của hồ sơ bị phá vỡ; hồ sơ bị khóa ghi cho đến khi được kiểm tra',
      en: "The dossier's hash chain is broken; nothing is written to it until it has been examined",
    }),
  badRequest: (code: string, en: string, vi: string, extra: Record<string, unknown> = {}) =>
    new ProblemError(400, code, { vi, en }, extra),
  internal: () =>
    new ProblemError(500, 'INTERNAL', {
      vi: 'Đã xảy ra lỗi nội bộ; sự cố đã được ghi lại',
      en: 'An internal error occurred; it has been logged',
    }),
  unavailable: () =>
    new ProblemError(503, 'STORE_UNAVAILABLE', {
      vi: 'Kho sự kiện tạm thời không trả lời',
      en: 'The event store is not answering',
    }),
  auditKeysUnavailable: () =>
    new ProblemError(503, 'AUDIT_KEYS_UNAVAILABLE', {
      vi: 'Khóa ký hồ sơ kiểm toán chưa được cấu hình',
      en: 'No audit signing key is configured',
    }),
  auditLogMismatch: () =>
    new ProblemError(503, 'AUDIT_LOG_MISMATCH', {
      vi: 'Nhật ký sự kiện không còn khớp với các điểm kiểm tra đã ký',
      en: 'The event log no longer matches its signed checkpoints',
    }),
} as const;

const STATUS_OF_KIND: Record<DomainError['kind'], number> = {
  forbidden: 403,
  conflict: 409,
  unprocessable: 422,
};

/** A domain refusal as a problem: the domain's own code and both messages. */
export function domainProblem(error: DomainError): ProblemError {
  return new ProblemError(
    STATUS_OF_KIND[error.kind],
    error.code,
    { en: error.message, vi: error.messageVi },
    error.params ? { params: error.params } : {},
  );
}

/** The command handler's typed errors as problems. */
export function applicationProblem(error: ApplicationError): ProblemError {
  if (error instanceof DossierNotFoundError) return problems.dossierNotFound(error.dossierId);
  if (error instanceof DossierExistsError) return problems.dossierExists();
  if (error instanceof RevisionMismatchError) return problems.revisionMismatch(error.expected, error.actual);
  if (error instanceof OutOfJurisdictionError) return problems.outOfJurisdiction();
  if (error instanceof ChainBrokenError) return problems.chainBroken();
  if (error instanceof CommandRefusedError) return domainProblem(error.refusal);
  return problems.internal();
}
