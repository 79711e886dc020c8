/**
 * What a failed Chat Completions call means for Temporal's retry policy: rate limits (429), server
 * errors (5xx), timeouts and unreachable endpoints are retried; any other 4xx is the request's fault
 * and is not (a non-retryable `ApplicationFailure`). A call aborted by cancellation is a cancellation.
 */
import { CancelledFailure } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import OpenAI from 'openai';

/** The failure to throw for `err`, raised by a call to `baseUrl`. */
export function modelFailure(err: unknown, baseUrl: string, aborted: boolean): Error {
  if (err instanceof CancelledFailure) return err;
  if (aborted || err instanceof OpenAI.APIUserAbortError) return new CancelledFailure('the model call was cancelled');
  if (err instanceof OpenAI.APIConnectionTimeoutError) return retryable(`the model at ${baseUrl} did not answer in time`, 'ModelTimeout');
  if (err instanceof OpenAI.APIConnectionError) return retryable(`cannot reach the model at ${baseUrl}: ${err.message}`, 'ModelUnreachable');
  if (err instanceof OpenAI.APIError && typeof err.status === 'number') {
    const status = err.status;
    const detail = `${baseUrl} answered ${status}: ${err.message}`;
    if (status === 429) return retryable(detail, 'ModelRateLimited');
    if (status >= 500) return retryable(detail, 'ModelServerError');
    if (status === 408 || status === 409) return retryable(detail, 'ModelRequestRetryable');
    return ApplicationFailure.create({ message: detail, type: 'ModelRequestRejected', nonRetryable: true, details: [{ status }] });
  }
  if (err instanceof ApplicationFailure) return err;
  // An answer the client could not read (not JSON, say): the endpoint may do better next time.
  return retryable(`the model at ${baseUrl} gave an unreadable answer: ${err instanceof Error ? err.message : String(err)}`, 'ModelAnswerUnreadable');
}

function retryable(message: string, type: string): ApplicationFailure {
  return ApplicationFailure.create({ message, type, nonRetryable: false });
}
