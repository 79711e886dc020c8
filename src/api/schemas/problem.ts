/**
 * The problem document (RFC 9457) every error response carries, for the OpenAPI description.
 * Error responses are rendered by the error handler, not serialized through this schema.
 */
import { z } from 'zod';

export const ProblemIssueSchema = z.object({
  path: z.string().describe('Where: `body.version`, `query.page_size`, `tasks[2].on_success.next`'),
  message: z.string(),
});

export const ProblemSchema = z
  .looseObject({
    type: z.string().describe('Stable URI naming the problem, `https://cadenza.dev/problems/<slug>`'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z.array(ProblemIssueSchema).optional().describe('validation_error, input_invalid'),
    issues: z.array(ProblemIssueSchema).optional().describe('definition_invalid'),
  })
  .meta({ id: 'Problem', description: 'application/problem+json; see docs/api-errors.md for every type' });

/** Response entries for the problem statuses a route can answer with. */
export function problemResponses<const S extends readonly number[]>(...statuses: S): Record<S[number], typeof ProblemSchema> {
  return Object.fromEntries(statuses.map((s) => [s, ProblemSchema])) as Record<S[number], typeof ProblemSchema>;
}
