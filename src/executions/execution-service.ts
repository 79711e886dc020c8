/**
 * Client side of executions: trigger (start the interpreter), list (visibility), read (queries) and
 * cancel. Shared by the REST API and, later, the NATS command consumer, so every entry point applies
 * the same checks. Failures are `ApiProblem`s (src/errors/problems.ts); a trigger input over
 * `CADENZA_MAX_INPUT_BYTES` is `413 input_too_large`, Temporal's own limits are mapped by
 * `src/temporal/temporal-limits.ts`.
 */
import { randomUUID } from 'node:crypto';
import {
  type Client,
  isGrpcDeadlineError,
  type WorkflowExecutionDescription,
  WorkflowExecutionAlreadyStartedError,
  type WorkflowHandle,
  WorkflowNotFoundError,
} from '@temporalio/client';
import { isUnknownQuery } from '../temporal/query-errors';
import { executionInfoFromRaw } from '@temporalio/client/lib/helpers';
import {
  ExecutionNotFound,
  IdempotencyKeyReused,
  InputInvalid,
  TaskNotFound,
  TemporalUnavailable,
  ValidationFailed,
  WorkflowNotFound,
} from '../errors/problems';
import { InputTooLarge } from '../errors/limit-problems';
import { DEFAULT_MAX_INPUT_BYTES } from '../limits/size-limits';
import { temporalLimitProblem } from '../temporal/temporal-limits';
import { isTemporalUnreachable } from '../temporal/unreachable';
import { DEFAULT_WORKER_DEADLINE_MS, withWorkerDeadline } from '../temporal/worker-deadline';
import type { Config } from '../config';
import { validateAgainstSchema } from '../definitions/json-schema';
import { localStartOptions } from '../definitions/local-tasks';
import type { DefinitionStore } from '../definitions/store';
import {
  type EventsQueryArgs,
  type ExecutionInput,
  type ExecutionView,
  INTERPRETER_WORKFLOW_TYPE,
  type StatusView,
  type TaskContextView,
} from '../workflows/contracts';
import { executionQuery, statusQuery, taskContextQuery } from '../workflows/messages';
import { firstOversize } from '../workflows/payload-size';
import { CadenzaStatusKey, CadenzaWorkflowIdKey, CadenzaWorkflowVersionKey } from '../workflows/search-attributes';
import { ExecutionStatus } from '../workflows/states';
import { cancelExecution } from './cancel-execution';
import { idempotentExecutionId, isExecutionId, newExecutionId } from './execution-id';
import { type JournalPage, SegmentedJournal } from './journal-segments';
import { TaskValueResolver } from './task-value-refs';
import { TemporalSegmentSource } from './temporal-segment-source';
import { describeExecution, describeIfExists, type ExecutionSummary, summarize } from './execution-info';
import { decodePageToken, encodePageToken } from './page-token';
import { fingerprintRequest } from './request-fingerprint';
import { templateEnvSnapshot } from './template-env';
import { type ExecutionFilter, executionListQuery } from './visibility';

export type { ExecutionSummary } from './execution-info';

/** Memo key holding the trigger's fingerprint and nonce (only for triggers with an `Idempotency-Key`). */
const REQUEST_MEMO_KEY = 'cadenza_request';

interface RequestMemo {
  fingerprint: string;
  /** Random per request: tells "I started it" from "it already existed". */
  nonce: string;
}

export interface TriggerRequest {
  workflowId: string;
  /** Definition version; the latest when omitted. */
  version?: number;
  input?: unknown;
  idempotencyKey?: string;
  source?: ExecutionInput['trigger']['source'];
  actor?: string;
}

export interface TriggerResult {
  execution_id: string;
  workflow_id: string;
  workflow_version: number;
  status: ExecutionStatus;
  /** True when an `Idempotency-Key` matched an execution started earlier. */
  replayed: boolean;
}

export interface ExecutionPage {
  items: ExecutionSummary[];
  /** Opaque; pass back as `page_token` for the next page. `null` on the last page. */
  next_page_token: string | null;
}

export interface ListRequest extends ExecutionFilter {
  pageSize: number;
  pageToken?: string;
}

export interface ExecutionServiceOptions {
  client: Client;
  definitions: DefinitionStore;
  config: Pick<Config, 'CADENZA_TASK_QUEUE' | 'CADENZA_TEMPLATE_ENV'> & Partial<Pick<Config, 'CADENZA_CONTINUE_AFTER_EVENTS' | 'CADENZA_MAX_INPUT_BYTES'>>;
  /** Bound of each query (ms); past it the call fails with `worker_unavailable`. */
  deadlineMs?: number;
  /** Where `env` values come from (tests pass their own). */
  env?: NodeJS.ProcessEnv;
  /** Bytes of closed-run journal pages cached (default `SegmentedJournal`'s, 32 MiB). */
  journalCacheBytes?: number;
}

export class ExecutionService {
  private readonly client: Client;
  private readonly definitions: DefinitionStore;
  private readonly taskQueue: string;
  private readonly templateEnv: readonly string[];
  private readonly continueAfterEvents: number | undefined;
  private readonly deadlineMs: number;
  private readonly env: NodeJS.ProcessEnv;
  private readonly journal: SegmentedJournal;
  private readonly values: TaskValueResolver;
  private readonly maxInputBytes: number;

  constructor(options: ExecutionServiceOptions) {
    this.client = options.client;
    this.definitions = options.definitions;
    this.taskQueue = options.config.CADENZA_TASK_QUEUE;
    this.templateEnv = options.config.CADENZA_TEMPLATE_ENV;
    this.continueAfterEvents = options.config.CADENZA_CONTINUE_AFTER_EVENTS;
    this.deadlineMs = options.deadlineMs ?? DEFAULT_WORKER_DEADLINE_MS;
    this.env = options.env ?? process.env;
    this.journal = new SegmentedJournal({
      source: new TemporalSegmentSource(this.client, this.deadlineMs),
      ...(options.journalCacheBytes === undefined ? {} : { cacheBytes: options.journalCacheBytes }),
    });
    this.values = new TaskValueResolver(this.journal);
    this.maxInputBytes = options.config.CADENZA_MAX_INPUT_BYTES ?? DEFAULT_MAX_INPUT_BYTES;
  }

  /**
   * Starts an execution of a definition (WorkflowTrigger). With an idempotency key the execution id
   * is derived from (definition id, key): a replay returns the existing execution, even a finished
   * one; the same key with a different body is refused with `idempotency_key_reused`.
   */
  async trigger(request: TriggerRequest): Promise<TriggerResult> {
    const { idempotencyKey } = request;
    const input = request.input ?? {};
    const fingerprint = fingerprintRequest({ input, version: request.version });
    const executionId = idempotencyKey ? idempotentExecutionId(request.workflowId, idempotencyKey) : newExecutionId(request.workflowId);

    if (idempotencyKey) {
      // A replay answers from the existing execution, whatever happened to the definition since.
      const existing = await this.describeIfExists(executionId);
      if (existing) return this.replayOf(existing, executionId, idempotencyKey, fingerprint);
    }

    const oversize = firstOversize([['body.input', input]], this.maxInputBytes);
    if (oversize) throw new InputTooLarge({ ...oversize, limit: 'CADENZA_MAX_INPUT_BYTES' }, request.workflowId);

    const stored = await this.definitions.get(request.workflowId, request.version);
    if (!stored) throw new WorkflowNotFound(request.workflowId, request.version);
    const { definition } = stored;
    if (definition.input) {
      const verdict = validateAgainstSchema(definition.input, input);
      if (!verdict.ok) throw new InputInvalid(definition.id, verdict.errors);
    }

    const executionInput: ExecutionInput = {
      definition,
      input,
      env: templateEnvSnapshot(this.templateEnv, this.env),
      trigger: {
        source: request.source ?? 'api',
        ...(request.actor === undefined ? {} : { actor: request.actor }),
        ...(idempotencyKey === undefined ? {} : { idempotency_key: idempotencyKey }),
      },
      ...(this.continueAfterEvents !== undefined && { limits: { continue_after_events: this.continueAfterEvents } }),
    };
    const memo: RequestMemo = { fingerprint, nonce: randomUUID() };
    try {
      await this.client.workflow.start(INTERPRETER_WORKFLOW_TYPE, {
        workflowId: executionId,
        taskQueue: this.taskQueue,
        args: [executionInput],
        typedSearchAttributes: [
          { key: CadenzaStatusKey, value: ExecutionStatus.Running },
          { key: CadenzaWorkflowIdKey, value: definition.id },
          { key: CadenzaWorkflowVersionKey, value: definition.version },
        ],
        // With a key, a concurrent or later duplicate lands on this execution instead of a new one.
        workflowIdConflictPolicy: idempotencyKey ? 'USE_EXISTING' : 'FAIL',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        ...localStartOptions(definition),
        ...(idempotencyKey ? { memo: { [REQUEST_MEMO_KEY]: memo } } : {}),
      });
    } catch (error) {
      // Closed since our first look (REJECT_DUPLICATE): a replay after all.
      if (idempotencyKey && error instanceof WorkflowExecutionAlreadyStartedError) {
        return this.replayOf(await this.describe(executionId), executionId, idempotencyKey, fingerprint);
      }
      throw temporalLimitProblem(error, { workflow_id: definition.id }) ?? error;
    }
    if (idempotencyKey) {
      // USE_EXISTING returns silently when a concurrent request won the race: the nonce tells.
      const description = await this.describe(executionId);
      if (readRequestMemo(description)?.nonce !== memo.nonce) return this.replayOf(description, executionId, idempotencyKey, fingerprint);
    }
    return {
      execution_id: executionId,
      workflow_id: definition.id,
      workflow_version: definition.version,
      status: ExecutionStatus.Running,
      replayed: false,
    };
  }

  /** A page of executions, newest first, from Temporal visibility. */
  async list(request: ListRequest): Promise<ExecutionPage> {
    const { namespace } = this.client.options;
    const query = executionListQuery(request);
    let nextPageToken: Uint8Array | undefined;
    if (request.pageToken !== undefined) {
      nextPageToken = decodePageToken(query, request.pageToken);
      if (!nextPageToken) throw badPageToken();
    }
    let response;
    try {
      response = await this.client.withDeadline(Date.now() + this.deadlineMs, () =>
        this.client.workflowService.listWorkflowExecutions({ namespace, query, pageSize: request.pageSize, ...(nextPageToken ? { nextPageToken } : {}) }),
      );
    } catch (error) {
      // A token forged to pass our digest is still refused as input, not reported as a server fault.
      if (nextPageToken && !isTemporalUnreachable(error)) throw badPageToken();
      if (isGrpcDeadlineError(error)) throw new TemporalUnavailable(`Temporal visibility did not answer within ${this.deadlineMs} ms`, error);
      throw error;
    }
    const items = await Promise.all(
      response.executions.map(async (raw) => summarize(await executionInfoFromRaw(raw, this.client.options.loadedDataConverter, raw, namespace))),
    );
    const token = response.nextPageToken;
    return { items, next_page_token: token && token.length > 0 ? encodePageToken(query, token) : null };
  }

  /** Full state: tasks, gates, outputs (`executionQuery`). */
  async get(executionId: string): Promise<ExecutionView> {
    return this.query(executionId, 'the execution query', (handle) => handle.query(executionQuery));
  }

  /** Status with docs/design.md §14.3's pause fields (`statusQuery`). */
  async status(executionId: string): Promise<StatusView> {
    return this.query(executionId, 'the status query', (handle) => handle.query(statusQuery));
  }

  /**
   * A page of the journal, continuous across the execution's runs (`SegmentedJournal`):
   * `journal_segment_expired` when the events asked for were in a run Temporal no longer holds.
   */
  async events(executionId: string, args: EventsQueryArgs): Promise<JournalPage> {
    if (!isExecutionId(executionId)) throw new ExecutionNotFound(executionId);
    return this.journal.page(executionId, args.after, args.limit);
  }

  /**
   * Seed 004's task context; `task_not_found` for a task that is unknown or not yet scheduled. An
   * output or input held by `output_ref`/`input_ref` (an earlier run journaled it) is read back from
   * that closed run.
   */
  async taskContext(executionId: string, taskId: string): Promise<TaskContextView> {
    const context = await this.query(executionId, 'the task context query', (handle) => handle.query(taskContextQuery, taskId));
    if (!context) throw new TaskNotFound(executionId, taskId);
    return this.values.resolveContext(executionId, context);
  }

  /**
   * Requests cooperative cancellation (WorkflowCancel); works while paused. `execution_closed` when
   * the execution already finished. Returns the status it had when asked.
   */
  cancel(executionId: string): Promise<ExecutionStatus> {
    return cancelExecution(this.client, executionId);
  }

  private async query<T>(executionId: string, what: string, fn: (handle: WorkflowHandle) => Promise<T>): Promise<T> {
    if (!isExecutionId(executionId)) throw new ExecutionNotFound(executionId);
    const handle = this.client.workflow.getHandle(executionId);
    try {
      return await withWorkerDeadline(this.client, this.deadlineMs, what, () => fn(handle));
    } catch (error) {
      // A workflow that is not an interpreter (same id shape) has none of its queries.
      if (error instanceof WorkflowNotFoundError || isUnknownQuery(error)) throw new ExecutionNotFound(executionId);
      throw error;
    }
  }

  private describe(executionId: string): Promise<WorkflowExecutionDescription> {
    return describeExecution(this.client, executionId);
  }

  private describeIfExists(executionId: string): Promise<WorkflowExecutionDescription | undefined> {
    return describeIfExists(this.client, executionId);
  }

  private replayOf(description: WorkflowExecutionDescription, executionId: string, key: string, fingerprint: string): TriggerResult {
    const memo = readRequestMemo(description);
    // No memo: the execution continued as new without it; trust the key.
    if (memo && memo.fingerprint !== fingerprint) throw new IdempotencyKeyReused(key, executionId);
    const summary = summarize(description);
    return {
      execution_id: executionId,
      workflow_id: summary.workflow_id,
      workflow_version: summary.workflow_version ?? 0,
      status: summary.status,
      replayed: true,
    };
  }
}

function badPageToken(): ValidationFailed {
  return new ValidationFailed([{ path: 'query.page_token', message: 'is not a next_page_token this endpoint returned for these filters' }]);
}

function readRequestMemo(description: WorkflowExecutionDescription): RequestMemo | undefined {
  const memo = description.memo?.[REQUEST_MEMO_KEY] as Partial<RequestMemo> | undefined;
  if (typeof memo?.fingerprint !== 'string' || typeof memo.nonce !== 'string') return undefined;
  return { fingerprint: memo.fingerprint, nonce: memo.nonce };
}
