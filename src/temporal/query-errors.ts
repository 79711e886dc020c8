/**
 * What a failed query means. `@temporalio/client` 1.24 throws `QueryNotRegisteredError` for every
 * query the server answers INVALID_ARGUMENT — a workflow without that query, but also a query whose
 * handler failed, or whose answer the worker could not send (over Temporal's 4 MiB). Only the first
 * says "this is not one of ours"; the others are failures to report as such, not a 404.
 */
import { QueryNotRegisteredError } from '@temporalio/client';

/** The workflow has no handler for the query (the SDK's words, or the server's for a worker without it). */
export function isUnknownQuery(error: unknown): boolean {
  return error instanceof QueryNotRegisteredError && /did not register a handler for|unknown queryType/i.test(error.message);
}
