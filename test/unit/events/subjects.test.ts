import { publishedEvent } from '../../../src/events/event-payload';
import { eventSubject, parseCommandSubject } from '../../../src/events/subjects';
import { EventType, type JournalEvent } from '../../../src/workflows/events';

function event(type: EventType, extra: Partial<JournalEvent> = {}): JournalEvent {
  return { id: 'e1', seq: 1, type, time: '2026-01-01T00:00:00.000Z', execution_id: 'wf-x', workflow_id: 'wf', data: {}, ...extra };
}

describe('eventSubject', () => {
  it.each([
    [EventType.TaskScheduled, 'scheduled'],
    [EventType.TaskExecutionStarted, 'started'],
    [EventType.TaskExecutionSuccess, 'completed'],
    [EventType.TaskExecutionFailed, 'failed'],
    [EventType.TaskRetryScheduled, 'retry_scheduled'],
    [EventType.TaskWaitingStarted, 'waiting_started'],
    [EventType.TaskWaitingResumed, 'waiting_resumed'],
    [EventType.TaskWaitingTimedOut, 'waiting_timed_out'],
    [EventType.TaskDispatched, 'dispatched'],
    [EventType.ApprovalRequested, 'approval_requested'],
  ])('puts %s on the task execution subject .%s', (type, suffix) => {
    expect(eventSubject('compozy', event(type, { task_exec_id: 't-1', task_id: 'a' }))).toBe(`compozy.events.task.instance.t-1.${suffix}`);
  });

  it.each([
    [EventType.WorkflowExecutionStarted, 'started'],
    [EventType.WorkflowExecutionPaused, 'paused'],
    [EventType.WorkflowExecutionResumed, 'resumed'],
    [EventType.WorkflowExecutionSuccess, 'completed'],
    [EventType.WorkflowExecutionFailed, 'failed'],
    [EventType.WorkflowExecutionCancelled, 'cancelled'],
    [EventType.WorkflowExecutionTimedOut, 'timed_out'],
    [EventType.CommandRejected, 'command_rejected'],
  ])('puts %s on the execution subject .%s', (type, suffix) => {
    expect(eventSubject('my.prefix', event(type))).toBe(`my.prefix.events.workflow.instance.wf-x.${suffix}`);
  });

  it('keeps a workflow event that names a task (a failure) on the execution subject, and names unknown types in snake case', () => {
    expect(eventSubject('p', event(EventType.WorkflowExecutionFailed, { task_id: 'a' }))).toBe('p.events.workflow.instance.wf-x.failed');
    expect(eventSubject('p', event(EventType.AgentExecutionStarted, { task_exec_id: 't' }))).toBe('p.events.task.instance.t.agent_execution_started');
    expect(eventSubject('p', event(EventType.TaskWaitingResumed))).toBe('p.events.workflow.instance.wf-x.waiting_resumed');
  });
});

describe('publishedEvent', () => {
  it('adds the seeds\' payload fields next to the journal event', () => {
    expect(publishedEvent(event(EventType.TaskWaitingStarted, { data: { wait_reason: 'why', resume_conditions: { a: 1 } } }))).toMatchObject({
      workflow_exec_id: 'wf-x',
      wait_reason: 'why',
      resume_conditions: { a: 1 },
      data: { wait_reason: 'why' },
    });
    expect(publishedEvent(event(EventType.TaskExecutionSuccess, { data: { output: 5 } }))).toMatchObject({ outputs: 5 });
    expect(publishedEvent(event(EventType.WorkflowExecutionStarted, { data: { input: { n: 1 } } }))).toMatchObject({ inputs: { n: 1 } });
    expect(publishedEvent(event(EventType.TaskWaitingResumed, { data: { resume_data: { ok: true } } }))).toMatchObject({ resume_data: { ok: true } });
    expect(publishedEvent(event(EventType.TaskScheduled))).not.toHaveProperty('inputs');
    expect(publishedEvent(event(EventType.TaskScheduled, { data: { input: { q: 1 } } }))).toMatchObject({ inputs: { q: 1 } });
  });
});

describe('parseCommandSubject', () => {
  it('reads the seeds\' command subjects', () => {
    expect(parseCommandSubject('compozy', 'compozy.commands.workflow.orders.trigger')).toEqual({ command: 'trigger', workflowId: 'orders' });
    expect(parseCommandSubject('compozy', 'compozy.commands.workflow.orders.pause.orders-1')).toEqual({ command: 'pause', workflowId: 'orders', executionId: 'orders-1' });
    expect(parseCommandSubject('compozy', 'compozy.commands.workflow.orders.cancel')).toEqual({ command: 'cancel', workflowId: 'orders', executionId: undefined });
    expect(parseCommandSubject('a.b', 'a.b.commands.task.orders.resume.t-1')).toEqual({ command: 'task_resume', workflowId: 'orders', taskExecId: 't-1' });
    expect(parseCommandSubject('a.b', 'a.b.commands.task.orders.decide.t-1')).toEqual({ command: 'decide', workflowId: 'orders', taskExecId: 't-1' });
  });

  it('says why a subject is not a command', () => {
    expect(parseCommandSubject('p', 'p.commands.workflow.orders.trigger.x')).toMatch(/trigger takes no execution id/);
    expect(parseCommandSubject('p', 'p.commands.workflow.orders.explode')).toMatch(/unknown workflow command "explode"/);
    expect(parseCommandSubject('p', 'p.commands.task.orders.resume')).toMatch(/names the task execution/);
    expect(parseCommandSubject('p', 'p.commands.other.orders.resume.t')).toMatch(/unknown command kind/);
    expect(parseCommandSubject('p', 'p.commands.workflow.a.pause.b.c')).toMatch(/wrong number of tokens/);
  });
});
