/**
 * The EventRouter (seed 003, docs/design.md §9): one event in, from REST or NATS, starts every
 * definition whose trigger matches (deduplicated by event id: the execution id derives from it) and,
 * with a `key`, resumes every correlated wait for (name, key) through its mailbox (which keeps the
 * event when none waits yet). The answer lists what started and what resumed.
 */
import { randomUUID } from 'node:crypto';
import { type Client, WithStartWorkflowOperation, WorkflowUpdateFailedError } from '@temporalio/client';
import { LRUCache } from 'lru-cache';
import { ApiProblem } from '../errors/problems';
import type { VersionedDefinition } from '../definitions/schema';
import type { DefinitionStore } from '../definitions/store';
import type { ExecutionService } from '../executions/execution-service';
import { DEFAULT_WORKER_DEADLINE_MS, withWorkerDeadline } from '../temporal/worker-deadline';
import type { cadenzaMailbox } from '../workflows/mailbox';
import { deliverEventUpdate, MAILBOX_WORKFLOW_TYPE, type MailboxDelivery, type ResumedWait } from '../workflows/mailbox-messages';
import { mailboxWorkflowId } from './mailbox-id';
import { type EventEnvelope, matchTrigger } from './triggers';

/** An event as a caller sends it. */
export interface InboundEventRequest {
  name: string;
  key?: string;
  payload?: unknown;
  /** Deduplication id; a random one when omitted (then nothing deduplicates it). */
  id?: string;
}

/** An execution an event started (or had started before: `deduplicated`). */
export interface StartedExecution {
  workflow_id: string;
  workflow_version: number;
  execution_id: string;
  deduplicated: boolean;
}

/** A definition whose trigger names the event but did not start it, and why. */
export interface SkippedTrigger {
  workflow_id: string;
  reason: string;
  problem?: string;
}

/** The answer to an event. */
export interface EventRouting {
  id: string;
  name: string;
  key: string | null;
  started: StartedExecution[];
  skipped: SkippedTrigger[];
  resumed: ResumedWait[];
  /** No correlated wait took it: it is kept for `keep_ms` for the wait that comes. */
  kept: boolean;
  /** The mailbox saw this id before: `resumed` and `kept` are its first answer. */
  duplicate: boolean;
}

export interface EventRouterOptions {
  client: Client;
  definitions: DefinitionStore;
  executions: ExecutionService;
  taskQueue: string;
  /** `CADENZA_EVENT_KEEP` in ms. */
  keepMs: number;
  deadlineMs?: number;
}

/** How long the definitions an event triggers are reused (ms); a new trigger works within it. */
const TRIGGER_INDEX_TTL_MS = 2000;

export class EventRouter {
  /** The definitions each event name triggers, one lookup per name at a time, reused briefly. */
  private readonly triggeredByName: LRUCache<string, VersionedDefinition[]>;

  constructor(private readonly options: EventRouterOptions) {
    this.triggeredByName = new LRUCache<string, VersionedDefinition[]>({
      max: 1000,
      ttl: TRIGGER_INDEX_TTL_MS,
      fetchMethod: async (name) => (await options.definitions.triggeredBy(name)).map((stored) => stored.definition),
    });
  }

  /** The latest version of every definition with a trigger on `name`. */
  private async triggered(name: string): Promise<VersionedDefinition[]> {
    return (await this.triggeredByName.fetch(name)) ?? [];
  }

  /** Routes one event; `actor` is recorded as the trigger's actor. */
  async route(request: InboundEventRequest, actor: string): Promise<EventRouting> {
    const event: EventEnvelope = { id: request.id ?? randomUUID(), name: request.name, key: request.key ?? null, payload: request.payload ?? null };
    const [triggered, delivery] = await Promise.all([this.startTriggered(event, actor), event.key === null ? undefined : this.deliver(event, event.key)]);
    return {
      id: event.id,
      name: event.name,
      key: event.key,
      ...triggered,
      resumed: delivery?.resumed ?? [],
      kept: delivery?.kept ?? false,
      duplicate: delivery?.duplicate ?? false,
    };
  }

  private async startTriggered(event: EventEnvelope, actor: string): Promise<{ started: StartedExecution[]; skipped: SkippedTrigger[] }> {
    const started: StartedExecution[] = [];
    const skipped: SkippedTrigger[] = [];
    for (const definition of await this.triggered(event.name)) {
      const match = matchTrigger(definition, event);
      if (match === undefined) continue;
      const workflowId = match.definition.id;
      if ('skipped' in match) {
        skipped.push({ workflow_id: workflowId, reason: match.skipped });
        continue;
      }
      try {
        const result = await this.options.executions.trigger({
          workflowId,
          version: match.definition.version,
          input: match.input,
          idempotencyKey: `event:${event.name}:${event.id}`,
          source: 'event',
          actor,
        });
        started.push({ workflow_id: workflowId, workflow_version: result.workflow_version, execution_id: result.execution_id, deduplicated: result.replayed });
      } catch (error) {
        if (!(error instanceof ApiProblem)) throw error;
        skipped.push({ workflow_id: workflowId, reason: error.detail, problem: error.type });
      }
    }
    return { started, skipped };
  }

  /** Hands the event to the mailbox of (name, key), starting it if needed. */
  private async deliver(event: EventEnvelope, key: string): Promise<MailboxDelivery> {
    const { client, taskQueue, keepMs } = this.options;
    const workflowId = mailboxWorkflowId(event.name, key);
    const send = () =>
      withWorkerDeadline(client, this.options.deadlineMs ?? DEFAULT_WORKER_DEADLINE_MS * 6, 'the event mailbox', () =>
        client.workflow.executeUpdateWithStart(deliverEventUpdate, {
          args: [{ id: event.id, name: event.name, key, payload: event.payload, keep_ms: keepMs }],
          // Not the event id: Temporal would answer a repeated update id itself, and the mailbox's own
          // answer says `duplicate`.
          updateId: randomUUID(),
          startWorkflowOperation: new WithStartWorkflowOperation<typeof cadenzaMailbox>(MAILBOX_WORKFLOW_TYPE, {
            workflowId,
            taskQueue,
            workflowIdConflictPolicy: 'USE_EXISTING',
            args: [{ name: event.name, key }],
          }),
        }),
      );
    try {
      return await send();
    } catch (error) {
      // The mailbox ended while the update was on its way: the next one starts afresh.
      if (error instanceof WorkflowUpdateFailedError || isCompletedRace(error)) return send();
      throw error;
    }
  }
}

function isCompletedRace(error: unknown): boolean {
  return error instanceof Error && /already completed|workflow execution.*completed/i.test(error.message);
}
