/**
 * Problems of size and count limits (docs/design.md §11, docs/api-errors.md "Limits"): Cadenza's own
 * size limits on what a request carries into an execution (`413`), and Temporal's own limits reached
 * anyway (signals or updates per execution, updates in flight, its blob limit, its rate limits), each
 * with a stable slug instead of an internal error. Transport-neutral like every `ApiProblem`.
 */
import { ApiProblem } from './problems';

/** What a size problem says about the value. */
export interface OversizeFacts {
  /** Where the value is in the request (`body.input`, `body.resume_data`, `body.tasks.charge.output`). */
  path: string;
  size_bytes: number;
  limit_bytes: number;
  /** The variable that sets the limit. */
  limit: string;
}

function oversizeDetail(what: string, facts: OversizeFacts): string {
  return `${what} (${facts.path}) is ${facts.size_bytes} bytes of JSON, more than the limit of ${facts.limit_bytes} (${facts.limit})`;
}

/** 413: the trigger input is larger than `CADENZA_MAX_INPUT_BYTES`. */
export class InputTooLarge extends ApiProblem {
  constructor(facts: OversizeFacts, workflowId: string) {
    super({
      status: 413,
      slug: 'input_too_large',
      title: 'Execution input too large',
      detail: oversizeDetail('the execution input', facts),
      extensions: { ...facts, workflow_id: workflowId },
    });
  }
}

/** 413: data a command carries (resume data, decision data, a signal payload, a repair's input, output or context) is larger than `CADENZA_MAX_COMMAND_DATA_BYTES`. */
export class CommandDataTooLarge extends ApiProblem {
  constructor(facts: OversizeFacts, executionId: string, command: string) {
    super({
      status: 413,
      slug: 'command_data_too_large',
      title: 'Command data too large',
      detail: oversizeDetail(`data of the ${command} command`, facts),
      extensions: { ...facts, execution_id: executionId, command },
    });
  }
}

/** Which of Temporal's limits a call ran into. */
export const TemporalLimit = {
  /** `history.maximumSignalsPerExecution` (10,000 by default): the run takes no further signal. */
  SignalsPerExecution: 'signal_limit_reached',
  /** `history.maxTotalUpdates` (2,000 by default): the run takes no further update. */
  UpdatesPerExecution: 'update_limit_reached',
  /** `history.maxInFlightUpdates` (10 by default), or the bytes of updates in flight: try again shortly. */
  UpdatesInFlight: 'too_many_updates_in_flight',
  /** `limit.blobSize.error` (2 MiB by default): the server refused the payload. */
  BlobSize: 'temporal_payload_too_large',
  /** Any other RESOURCE_EXHAUSTED: rate limits of the namespace or the server. */
  Busy: 'temporal_busy',
} as const;
export type TemporalLimit = (typeof TemporalLimit)[keyof typeof TemporalLimit];

interface LimitKind {
  status: number;
  title: string;
  /** What to do about it, appended to Temporal's message. */
  advice: string;
  retryAfterSeconds?: number;
}

const limitKinds: Readonly<Record<TemporalLimit, LimitKind>> = {
  [TemporalLimit.SignalsPerExecution]: {
    status: 409,
    title: 'Signal limit of the execution reached',
    advice: 'this run of the execution takes no more signals; commands sent as updates (REST, NATS) still apply',
  },
  [TemporalLimit.UpdatesPerExecution]: {
    status: 409,
    title: 'Update limit of the execution reached',
    advice: 'this run of the execution takes no more commands; reuse Idempotency-Key values for retries',
  },
  [TemporalLimit.UpdatesInFlight]: {
    status: 429,
    title: 'Too many commands in flight',
    advice: 'the execution is still handling earlier commands; retry shortly',
    retryAfterSeconds: 1,
  },
  [TemporalLimit.BlobSize]: {
    status: 413,
    title: 'Payload too large for Temporal',
    advice: 'Temporal refuses payloads over its blob size limit (2 MiB by default); send less data',
  },
  [TemporalLimit.Busy]: {
    status: 429,
    title: 'Temporal is busy',
    advice: 'Temporal refused the call under load (a rate limit); retry shortly',
    retryAfterSeconds: 1,
  },
};

/** Temporal refused a call because one of its limits is reached; `type` says which (`TemporalLimit`). */
export class TemporalLimitReached extends ApiProblem {
  constructor(limit: TemporalLimit, serverMessage: string, extensions: Record<string, unknown> = {}, cause?: unknown) {
    const kind = limitKinds[limit];
    super({
      status: kind.status,
      slug: limit,
      title: kind.title,
      detail: `Temporal: ${serverMessage.length > 300 ? `${serverMessage.slice(0, 300)}...` : serverMessage}; ${kind.advice}`,
      extensions: { ...extensions, temporal_limit: limit },
      ...(kind.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: kind.retryAfterSeconds }),
      cause,
    });
  }
}
