import { z } from 'zod';

/** RFC 9457 problem details with the stable `code` every refusal carries. */
export const ProblemDetails = z
  .object({
    type: z
      .string()
      .describe('URI naming the problem type')
      .meta({ examples: ['https://ntm.example/problems/notice-period-not-over'] }),
    title: z.string(),
    status: z.number().int().min(400).max(599),
    detail: z.string().optional(),
    instance: z.string().optional(),
    code: z
      .string()
      .describe('stable machine-readable code')
      .meta({ examples: ['NOTICE_PERIOD_NOT_OVER'] }),
    params: z.record(z.string(), z.unknown()).optional(),
  })
  .describe('Problem details (RFC 9457)');
export type ProblemDetails = z.infer<typeof ProblemDetails>;
