/**
 * The status derivation (docs/design.md §3) as the machine applies it: the status an execution's
 * state calls for, under both behaviours (`steadyStatus` on and off), and the journal event each
 * change of status needs.
 */
import { EventType } from '../../../src/workflows/events';
import { deriveStatus, type StatusFacts, transitionEvent } from '../../../src/workflows/execution-status';
import { ExecutionStatus } from '../../../src/workflows/states';

const facts = (over: Partial<StatusFacts> = {}): StatusFacts => ({
  closed: false,
  started: true,
  steadyStatus: true,
  anyFlowMoving: true,
  legacyRunning: false,
  gated: false,
  manualPause: false,
  ...over,
});

describe('deriveStatus', () => {
  it('derives nothing once the execution closed, under either behaviour', () => {
    expect(deriveStatus(facts({ closed: true, gated: true, anyFlowMoving: false }))).toBeUndefined();
    expect(deriveStatus(facts({ closed: true, steadyStatus: false, manualPause: true }))).toBeUndefined();
  });

  it('with steady status, derives nothing before the walk starts; without it, it does', () => {
    expect(deriveStatus(facts({ started: false, manualPause: true, anyFlowMoving: false }))).toBeUndefined();
    expect(deriveStatus(facts({ started: false, steadyStatus: false, manualPause: true }))).toBe(ExecutionStatus.Paused);
  });

  it('is running while nothing holds the execution, whether or not anything moves', () => {
    expect(deriveStatus(facts())).toBe(ExecutionStatus.Running);
    expect(deriveStatus(facts({ anyFlowMoving: false }))).toBe(ExecutionStatus.Running);
    expect(deriveStatus(facts({ steadyStatus: false }))).toBe(ExecutionStatus.Running);
  });

  it('is paused when a gate or a manual pause holds it and no flow moves (steady status)', () => {
    expect(deriveStatus(facts({ gated: true, anyFlowMoving: false }))).toBe(ExecutionStatus.Paused);
    expect(deriveStatus(facts({ manualPause: true, anyFlowMoving: false }))).toBe(ExecutionStatus.Paused);
    expect(deriveStatus(facts({ gated: true, manualPause: true, anyFlowMoving: false }))).toBe(ExecutionStatus.Paused);
  });

  it('stays running with an open gate while another flow moves; a manual pause makes that pausing', () => {
    expect(deriveStatus(facts({ gated: true }))).toBe(ExecutionStatus.Running);
    expect(deriveStatus(facts({ manualPause: true }))).toBe(ExecutionStatus.Pausing);
    expect(deriveStatus(facts({ manualPause: true, gated: true }))).toBe(ExecutionStatus.Pausing);
  });

  it('reads only the running fact of its behaviour', () => {
    // Steady status reads anyFlowMoving, never legacyRunning …
    expect(deriveStatus(facts({ gated: true, anyFlowMoving: false, legacyRunning: true }))).toBe(ExecutionStatus.Paused);
    // … and the behaviour before it reads legacyRunning, never anyFlowMoving.
    expect(deriveStatus(facts({ steadyStatus: false, gated: true, anyFlowMoving: true, legacyRunning: false }))).toBe(ExecutionStatus.Paused);
    expect(deriveStatus(facts({ steadyStatus: false, gated: true, anyFlowMoving: false, legacyRunning: true }))).toBe(ExecutionStatus.Running);
    expect(deriveStatus(facts({ steadyStatus: false, manualPause: true, legacyRunning: true }))).toBe(ExecutionStatus.Pausing);
  });
});

describe('transitionEvent', () => {
  const { Running, Pausing, Paused } = ExecutionStatus;

  it('journals a pause whenever the execution becomes paused, even while a resume applies', () => {
    expect(transitionEvent(Running, Paused, false)).toBe(EventType.WorkflowExecutionPaused);
    expect(transitionEvent(Pausing, Paused, false)).toBe(EventType.WorkflowExecutionPaused);
    expect(transitionEvent(Running, Paused, true)).toBe(EventType.WorkflowExecutionPaused);
  });

  it('journals a resume from paused to running, unless a resume command journals its own', () => {
    expect(transitionEvent(Paused, Running, false)).toBe(EventType.WorkflowExecutionResumed);
    expect(transitionEvent(Paused, Running, true)).toBeUndefined();
  });

  it('journals nothing for any other change, or for no change', () => {
    expect(transitionEvent(Paused, Pausing, false)).toBeUndefined();
    expect(transitionEvent(Running, Pausing, false)).toBeUndefined();
    expect(transitionEvent(Pausing, Running, false)).toBeUndefined();
    expect(transitionEvent(Paused, Paused, false)).toBeUndefined();
    expect(transitionEvent(Running, Running, false)).toBeUndefined();
  });
});
