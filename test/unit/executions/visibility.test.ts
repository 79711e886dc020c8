import { effectiveStatus, executionListQuery } from '../../../src/executions/visibility';

describe('executionListQuery', () => {
  it('selects interpreter executions, optionally by definition', () => {
    expect(executionListQuery({})).toBe("WorkflowType = 'cadenzaInterpreter'");
    expect(executionListQuery({ workflow: 'orders' })).toBe("WorkflowType = 'cadenzaInterpreter' AND CadenzaWorkflowId = 'orders'");
  });

  it('filters live statuses on the attribute of running workflows only', () => {
    expect(executionListQuery({ status: 'paused' })).toBe(
      "WorkflowType = 'cadenzaInterpreter' AND CadenzaStatus = 'paused' AND ExecutionStatus = 'Running'",
    );
  });

  it('filters closed statuses on the attribute or, when it was never recorded, on Temporal’s close status', () => {
    expect(executionListQuery({ status: 'cancelled' })).toBe(
      "WorkflowType = 'cadenzaInterpreter' AND (CadenzaStatus = 'cancelled' OR (ExecutionStatus IN ('Canceled', 'Terminated') AND CadenzaStatus IN ('running', 'pausing', 'paused')))",
    );
  });

  it('selects running executions awaiting any of the given entries', () => {
    expect(executionListQuery({ status: 'paused', awaiting: ['user:alice', 'role:finance', 'anyone'] })).toBe(
      "WorkflowType = 'cadenzaInterpreter' AND CadenzaStatus = 'paused' AND ExecutionStatus = 'Running' AND " +
        "CadenzaAwaiting IN ('user:alice', 'role:finance', 'anyone') AND ExecutionStatus = 'Running'",
    );
    expect(executionListQuery({ awaiting: ["user:o'brien"] })).toContain("CadenzaAwaiting IN ('user:o\\'brien')");
  });

  it('quotes values', () => {
    expect(executionListQuery({ workflow: "o'brien" })).toContain("CadenzaWorkflowId = 'o\\'brien'");
  });
});

describe('effectiveStatus', () => {
  it('uses the recorded status while the workflow runs', () => {
    expect(effectiveStatus('RUNNING', 'paused')).toBe('paused');
    expect(effectiveStatus('RUNNING', undefined)).toBe('running');
  });

  it('keeps a recorded terminal status', () => {
    expect(effectiveStatus('FAILED', 'failed')).toBe('failed');
    expect(effectiveStatus('COMPLETED', 'timed_out')).toBe('timed_out');
  });

  it('falls back to Temporal’s close status when the execution closed without recording one', () => {
    expect(effectiveStatus('TERMINATED', 'running')).toBe('cancelled');
    expect(effectiveStatus('TIMED_OUT', 'paused')).toBe('timed_out');
    expect(effectiveStatus('FAILED', undefined)).toBe('failed');
  });
});
