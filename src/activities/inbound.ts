/**
 * Activities of events in (docs/design.md §9): the callback token of a waiting run, the registration
 * of a correlated wait in its mailbox, and the delivery of an event to one waiting task (a
 * `taskResume` update whose id is derived from event and task execution, so a retried delivery
 * applies once).
 */
import { type Client, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { callbackUrl, formatCallbackToken, newCallbackSecret } from '../callbacks/token';
import { mailboxWorkflowId } from '../events-in/mailbox-id';
import { CommandErrorType } from '../workflows/commands';
import { type DeliveryOutcome, type DeliveryRequest, MAILBOX_WORKFLOW_TYPE, registerWaiterSignal, type WaiterRegistration } from '../workflows/mailbox-messages';
import { taskResumeUpdate } from '../workflows/messages';

/** What the activities of events in are built from. */
export interface InboundDeps {
  client: Client;
  /** Where mailboxes run. */
  taskQueue: string;
  /** The API's public base URL, for callback URLs. */
  publicUrl: string;
}

/** Refusals meaning the waiting task is not there any more. */
const GONE: readonly string[] = [CommandErrorType.TaskNotWaiting, CommandErrorType.ExecutionClosed, CommandErrorType.TaskNotFound];

/** Builds the activities. */
export function createInboundActivities(deps: InboundDeps) {
  return {
    /** A fresh callback secret and the URL that carries it. */
    issueCallbackToken(request: { execution_id: string; task_exec_id: string }): Promise<{ secret: string; url: string }> {
      const secret = newCallbackSecret();
      const token = formatCallbackToken({ executionId: request.execution_id, taskExecId: request.task_exec_id, secret });
      return Promise.resolve({ secret, url: callbackUrl(deps.publicUrl, token) });
    },

    /** Registers a correlated wait in the mailbox of (name, key), starting the mailbox if needed. */
    async registerCorrelatedWait(request: { name: string; key: string; registration: WaiterRegistration }): Promise<{ mailbox_id: string }> {
      const workflowId = mailboxWorkflowId(request.name, request.key);
      await deps.client.workflow.signalWithStart(MAILBOX_WORKFLOW_TYPE, {
        workflowId,
        taskQueue: deps.taskQueue,
        args: [{ name: request.name, key: request.key }],
        signal: registerWaiterSignal,
        signalArgs: [request.registration],
      });
      return { mailbox_id: workflowId };
    },

    /** Wakes one waiting task with an event: applied, gone (not waiting any more) or refused (its condition). */
    async deliverCorrelatedEvent(request: DeliveryRequest): Promise<DeliveryOutcome> {
      const handle = deps.client.workflow.getHandle(request.execution_id);
      const updateId = `event/${encodeURIComponent(request.event.id)}/${request.task_exec_id}`;
      try {
        await handle.executeUpdate(taskResumeUpdate, {
          args: [{ task_exec_id: request.task_exec_id, resume_data: request.event.payload, actor: `event:${request.event.name}` }],
          updateId,
        });
        return 'applied';
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return 'gone';
        if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
          return GONE.includes(error.cause.type ?? '') ? 'gone' : 'refused';
        }
        throw error;
      }
    },
  };
}
