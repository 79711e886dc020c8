/**
 * Behaviour that changed while executions were running. Each switch is decided once, at the start of
 * an execution, with `patched()`: an execution started by an older Cadenza replays with the behaviour
 * it started with (its history has no marker), a new one gets the current behaviour. Workflow code
 * reads the switches instead of calling `patched()` itself, so queries and validators stay read-only.
 */
import { patched } from '@temporalio/workflow';

/** Marker of the December 2026 hardening (docs/design.md §3, §4): one patch for every switch below. */
export const TRUST_PATCH_ID = 'cadenza-trust-1';

/** Marker of long life (docs/design.md §11): continue-as-new, aggregated refusals, bounded signal bytes. */
export const LONG_LIFE_PATCH_ID = 'cadenza-long-life-1';

/**
 * Marker of the size bounds (docs/design.md §11): task inputs and command payloads measured in the
 * workflow. Its own patch: an execution started before it may hold a bigger input or payload.
 */
export const SIZE_LIMITS_PATCH_ID = 'cadenza-size-limits-1';

/** Behaviour switches of one execution. */
export interface ExecutionBehaviour {
  /** WorkflowExecutionStarted is journaled before any command is handled (always seq 1). */
  startedFirst: boolean;
  /** Signals sent before the workflow ran apply in the order they arrived, whatever their names. */
  signalsInArrivalOrder: boolean;
  /** A cancelled branch releases the gates it held (no dead approvals in the inbox). */
  releaseGatesWithBranch: boolean;
  /** Paused means every live branch is held at a gate or a pause (no flicker between two tasks). */
  steadyStatus: boolean;
  /** A manual pause also holds the closing of the execution until it is resumed. */
  pauseHoldsClosing: boolean;
  /** Command payloads are checked for nesting, and gates are addressed unambiguously. */
  strictCommands: boolean;
  /** Parallel branches all settle before a cancellation goes on. */
  settleBranches: boolean;
  /**
   * Long life (`LONG_LIFE_PATCH_ID`): the execution continues as new when its history grows, carrying
   * its state; refusals beyond a few are journaled as counts; buffered signals are bounded in bytes.
   */
  longLife: boolean;
  /**
   * Task inputs over `WORKFLOW_MAX_TASK_INPUT_BYTES` fail their task (`input_too_large`) instead of
   * being scheduled, and command payloads over `WORKFLOW_MAX_COMMAND_PAYLOAD_BYTES` are refused
   * (`command_data_too_large`). Patch `SIZE_LIMITS_PATCH_ID`.
   */
  boundedPayloads: boolean;
}

/** The behaviour of every switch on (new executions) or off (executions started before it). */
export function behaviourOf(on: boolean, longLife = on): ExecutionBehaviour {
  return {
    longLife,
    startedFirst: on,
    signalsInArrivalOrder: on,
    releaseGatesWithBranch: on,
    steadyStatus: on,
    pauseHoldsClosing: on,
    strictCommands: on,
    settleBranches: on,
    boundedPayloads: on,
  };
}

/** Marker of tools that declare themselves local (`echo`, docs/design.md §13). */
export const LOCAL_TOOLS_PATCH_ID = 'cadenza-local-tools-1';

/**
 * True when a task whose tool declares itself local may run as a local activity. Unlike the switches
 * above it is decided where it matters — when such a task is first dispatched — so executions that
 * never run one record no marker; an execution recorded before it replays the task as an activity.
 */
export function localToolsApply(): boolean {
  return patched(LOCAL_TOOLS_PATCH_ID);
}

/** Decides this execution's behaviour; call once, from the workflow function, before anything else. */
export function decideBehaviour(): ExecutionBehaviour {
  const trust = patched(TRUST_PATCH_ID);
  // An execution from before the trust patch keeps everything as it was; a newer one asks for long life.
  return { ...behaviourOf(trust, trust && patched(LONG_LIFE_PATCH_ID)), boundedPayloads: patched(SIZE_LIMITS_PATCH_ID) };
}
