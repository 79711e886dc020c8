/**
 * Behaviour that changed while executions were running. Each switch is decided once, at the start of
 * an execution, with `patched()`: an execution started by an older Cadenza replays with the behaviour
 * it started with (its history has no marker), a new one gets the current behaviour. Workflow code
 * reads the switches instead of calling `patched()` itself, so queries and validators stay read-only.
 */
import { patched } from '@temporalio/workflow';

/** Marker of the December 2026 hardening (docs/design.md §3, §4): one patch for every switch below. */
export const TRUST_PATCH_ID = 'cadenza-trust-1';

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
   * Task inputs over `WORKFLOW_MAX_TASK_INPUT_BYTES` fail their task (`input_too_large`) instead of
   * being scheduled, and command payloads over `WORKFLOW_MAX_COMMAND_PAYLOAD_BYTES` are refused
   * (`command_data_too_large`). Patch `SIZE_LIMITS_PATCH_ID`.
   */
  boundedPayloads: boolean;
}

/** The behaviour of every switch on (new executions) or off (executions started before it). */
export function behaviourOf(on: boolean): ExecutionBehaviour {
  return {
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

/** Decides this execution's behaviour; call once, from the workflow function, before anything else. */
export function decideBehaviour(): ExecutionBehaviour {
  return { ...behaviourOf(patched(TRUST_PATCH_ID)), boundedPayloads: patched(SIZE_LIMITS_PATCH_ID) };
}
