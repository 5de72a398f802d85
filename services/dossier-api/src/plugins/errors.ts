/**
 * The one error handler: every failure leaves as RFC 9457 problem details (application/problem+json) in the
 * client's language. 5xx answers hide the message and the cause is logged; 4xx answers never touch the store.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AuthError } from '@ntm/auth';
import { ApplicationError, DossierNotFoundError, OutOfJurisdictionError } from '@ntm/application';
import { DomainError } from '@ntm/domain';
import { EventStoreError, WrongExpectedRevisionError } from '@ntm/event-store';
import { ProjectionError } from '@ntm/projections';
import { isConnectionLoss } from '@ntm/sql';
import { pathOf } from './requestContext.js';
import {
  applicationProblem,
  domainProblem,
  languageOf,
  ProblemError,
  problems,
  renderProblem,
} from '../problems.js';

/** Fastify's own 4xx codes, mapped to stable API codes and both languages. */
const FASTIFY_CODES: Record<string, { code: string; en: string; vi: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: {
    code: 'MALFORMED_JSON',
    en: 'The body is not valid JSON',
    vi: 'Nội dung không phải JSON hợp lệ',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: 'MALFORMED_JSON',
    en: 'The JSON body is empty',
    vi: 'Nội dung JSON trống',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'BODY_TOO_LARGE', en: 'The body is too large', vi: 'Nội dung quá lớn' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    en: 'Send the body as application/json',
    vi: 'Hãy gửi nội dung dạng application/json',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'BAD_CONTENT_LENGTH',
    en: 'Content-Length does not match the body',
    vi: 'Content-Length không khớp với nội dung',
  },
};

function toProblem(error: FastifyError | Error, request: FastifyRequest): ProblemError {
  if (error instanceof ProblemError) return error;
  if (error instanceof AuthError) {
    request.log.info({ reason: error.code }, 'authentication refused');
    return problems.unauthenticated(error.message);
  }
  if (error instanceof ApplicationError) {
    logDenial(error, request);
    return applicationProblem(error);
  }
  // Thrown only by the fold (EVENT_DATA_INVALID: a stored event breaks its contract); refusals are returned.
  if (error instanceof DomainError) return domainProblem(error);
  if (error instanceof WrongExpectedRevisionError)
    return problems.revisionMismatch(error.expected, error.actual);
  if (error instanceof EventStoreError && error.code === 'INVALID_STREAM_ID') {
    return problems.badRequest('INVALID_ID', 'The dossier id is not valid', 'Mã hồ sơ không hợp lệ');
  }
  // Defence in depth: the contracts refuse what the log cannot hold (U+0000, unpaired surrogates), so reaching this
  // means a field slipped past them. The content is the client's, so a 400; the warning shows the gap to close.
  if (error instanceof EventStoreError && error.code === 'INVALID_EVENT') {
    request.log.warn({ reason: error.message }, 'the store refused an event built from the request');
    return problems.badRequest(
      'INVALID_CONTENT',
      'The request holds a value the event log cannot store (such as U+0000 or an unpaired UTF-16 surrogate)',
      'Yêu cầu chứa giá trị mà nhật ký sự kiện không lưu được (như ký tự U+0000 hoặc một nửa cặp surrogate UTF-16 đứng riêng)',
    );
  }
  if (error instanceof ProjectionError && error.code === 'INVALID_QUERY') {
    return problems.badRequest(
      'INVALID_QUERY',
      error.message,
      `Tham số truy vấn không hợp lệ: ${error.message}`,
    );
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.map((v) => ({
      path: v.instancePath || '/',
      message: v.message ?? 'invalid',
    }));
    const where = error.validationContext ?? 'body';
    return problems.badRequest(
      'VALIDATION_FAILED',
      `The request ${where} is not valid`,
      `Dữ liệu yêu cầu (${where}) không hợp lệ`,
      {
        errors: issues,
      },
    );
  }
  const status = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
  if (status >= 400 && status < 500) {
    const known = 'code' in error ? FASTIFY_CODES[String(error.code)] : undefined;
    if (known) return new ProblemError(status, known.code, known);
    if (status === 429) {
      return new ProblemError(429, 'RATE_LIMITED', {
        en: 'Too many requests; slow down',
        vi: 'Quá nhiều yêu cầu; hãy chậm lại',
      });
    }
    return new ProblemError(status, 'BAD_REQUEST', {
      en: 'The request is not valid',
      vi: 'Yêu cầu không hợp lệ',
    });
  }
  if (error instanceof EventStoreError && error.code === 'STORE_UNAVAILABLE') return problems.unavailable();
  // The database is away (idempotency keys, read models): a 503 to retry, not a 500.
  if (isConnectionLoss(error)) return problems.unavailable();
  return problems.internal();
}

/** Jurisdiction refusals are logged at info with the actor and the reason, never the token. */
function logDenial(error: ApplicationError, request: FastifyRequest): void {
  const denied =
    error instanceof OutOfJurisdictionError
      ? { actor: error.actor, action: error.action }
      : error instanceof DossierNotFoundError
        ? error.deniedTo
        : undefined;
  if (!denied) return;
  const { id, role, unit } = denied.actor;
  request.log.info(
    { actorId: id, role, unit, action: denied.action, reason: 'OUT_OF_JURISDICTION' },
    'access denied',
  );
}

/** Sends a problem in the request's language; its `instance` is the path alone (a query may carry a token). */
export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  problem: ProblemError,
): FastifyReply {
  return reply
    .code(problem.status)
    .type('application/problem+json; charset=utf-8')
    .send(renderProblem(problem, languageOf(request.headers['accept-language']), pathOf(request.url)));
}

export default fp(
  function errors(fastify: FastifyInstance) {
    fastify.setErrorHandler((error: FastifyError, request, reply) => {
      const problem = toProblem(error, request);
      if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
      return sendProblem(request, reply, problem);
    });
    fastify.setNotFoundHandler((request, reply) =>
      sendProblem(
        request,
        reply,
        new ProblemError(404, 'ROUTE_NOT_FOUND', { en: 'No such route', vi: 'Không có đường dẫn này' }),
      ),
    );
  },
  { name: 'errors' },
);
