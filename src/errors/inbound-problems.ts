/**
 * Problems of events in, callbacks, bulk operations and schedules (docs/design.md §9), in the one
 * hierarchy of `problems.ts`.
 */
import { ApiProblem, NotFound } from './problems';

/** 404: the token names no callback (malformed, wrong secret, unknown execution or task execution). */
export class CallbackNotFound extends NotFound {
  constructor() {
    super('callback_not_found', 'Callback not found', 'no callback has this token');
  }
}

/** 410: the callback was used up, expired with its gate, or was revoked. */
export class CallbackGone extends ApiProblem {
  constructor(detail: string) {
    super({ status: 410, slug: 'callback_gone', title: 'Callback gone', detail });
  }
}

/** 404: no such bulk operation. */
export class BulkNotFound extends NotFound {
  constructor(bulkId: string) {
    super('bulk_not_found', 'Bulk operation not found', `bulk operation "${bulkId}" does not exist`, { bulk_id: bulkId });
  }
}

/** 400: a bulk operation's visibility query is not one Temporal accepts. */
export class BulkQueryInvalid extends ApiProblem {
  constructor(detail: string) {
    super({ status: 400, slug: 'bulk_query_invalid', title: 'Invalid visibility query', detail: detail.slice(0, 1000) });
  }
}

/** 404: the definition has no `schedule`. */
export class ScheduleNotFound extends NotFound {
  constructor(workflowId: string) {
    super('schedule_not_found', 'Schedule not found', `workflow "${workflowId}" has no schedule`, { workflow_id: workflowId });
  }
}
