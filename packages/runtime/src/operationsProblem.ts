/**
 * RFC 9457 problem details for the operator routes, rendered as the API renders its own (`type`, localized
 * `title` and `detail`, stable `code`, `instance`), so that the dispatcher's server, which has no other problem
 * catalogue, answers like the API.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface OperationsProblem {
  /** an HTTP status; those without a title of their own below are titled as a bad request (4xx) */
  status: number;
  code: string;
  detail: { vi: string; en: string };
  extra?: Record<string, unknown>;
}

const TITLES: Record<number, { vi: string; en: string }> = {
  400: { vi: 'Yêu cầu không hợp lệ', en: 'Bad request' },
  401: { vi: 'Chưa xác thực', en: 'Unauthorized' },
  403: { vi: 'Không có quyền', en: 'Forbidden' },
  404: { vi: 'Không tìm thấy', en: 'Not found' },
  500: { vi: 'Lỗi máy chủ', en: 'Internal server error' },
};

/** Sends the problem in the client's language: English only when its first acceptable language is English. */
export function sendOperationsProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  problem: OperationsProblem,
): FastifyReply {
  const first = request.headers['accept-language']?.split(',')[0]?.trim().toLowerCase() ?? '';
  const lang = first.startsWith('en') ? 'en' : 'vi';
  return reply
    .code(problem.status)
    .type('application/problem+json; charset=utf-8')
    .send({
      type: `urn:ntm:problem:${problem.code.toLowerCase().replaceAll('_', '-')}`,
      title: (TITLES[problem.status] ?? TITLES[problem.status >= 500 ? 500 : 400]!)[lang],
      status: problem.status,
      code: problem.code,
      detail: problem.detail[lang],
      // the path only: a query string may carry a token, and must not be echoed
      instance: request.url.split('?')[0],
      ...problem.extra,
    });
}
