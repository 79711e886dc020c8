/**
 * Behaviour that changed while executions were running. Each switch is decided once, at the start of
 * an execution, with `patched()`: an execution started by an older Cadenza replays with the behaviour
 * it started with (its history has no marker), a new one gets the current behaviour. Workflow code
 * reads the switches instead of calling `patched()` itself, so queries and validators stay read-only.
 */
import { patched } from '@temporalio/workflow';
import { everyTask } from '../definitions/every-task';
import { localityOf } from '../definitions/local-tasks';
import type { Definition } from '../definitions/schema';
import { CALLBACK_ACTIVITY_PATCH_ID, CALLBACK_PATCH_ID } from './callback-patch';

/** Marker of the December 2026 hardening (docs/design.md §3, §4): one patch for every switch below. */
export const TRUST_PATCH_ID = 'cadenza-trust-1';

/** Marker of long life (docs/design.md §11): continue-as-new, aggregated refusals, bounded signal bytes. */
export const LONG_LIFE_PATCH_ID = 'cadenza-long-life-1';

/**
 * Marker of the size bounds (docs/design.md §11): task inputs and command payloads measured in the
 * workflow. Its own patch: an execution started before it may hold a bigger input or payload.
 */
export const SIZE_LIMITS_PATCH_ID = 'cadenza-size-limits-1';

/**
 * Marker of trust, long life and size limits together (the three patches above), for executions
 * started since 2026-12-01. Each `patched()` call records a marker and an upsert of Temporal's
 * `TemporalChangeVersion` search attribute, i.e. a visibility write; one marker instead of three saves
 * two of each on every execution. An execution recorded before has no such marker, so on replay it
 * answers false and the three patches are asked as they were recorded.
 */
export const CURRENT_PATCH_ID = 'cadenza-2026-12';

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
  /**
   * A tool that declares itself local (`echo`) runs as a local activity, decided at the start
   * (`LOCAL_TOOLS_AT_START_PATCH_ID`). False for executions recorded before: they decide at the
   * task (`localToolsApply()`).
   */
  localToolsFromStart: boolean;
  /** Waiting runs and pending approvals get callback URLs (docs/design.md §9, `CALLBACK_PATCH_ID`). */
  callbackUrls: boolean;
  /**
   * The callback token comes from an ordinary activity (`CALLBACK_ACTIVITY_PATCH_ID`); false for
   * executions recorded before, which replay the local activity they ran.
   */
  callbackTokenActivity: boolean;
  /**
   * A continued run's flow re-enters at the gate it carried even when a command of the run's first
   * workflow task resolved that gate already (`CARRIED_GATES_PATCH_ID`, `GateRegistry.carried`).
   * Continued runs recorded before opened a new gate and waited again. Asked only in continued runs.
   */
  resolvedCarriedGates: boolean;
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
    localToolsFromStart: on,
    callbackUrls: on,
    callbackTokenActivity: on,
    resolvedCarriedGates: on,
  };
}

/** Marker of tools that declare themselves local (`echo`, docs/design.md §13). */
export const LOCAL_TOOLS_PATCH_ID = 'cadenza-local-tools-1';

/**
 * Marker of local tools decided at the start. `LOCAL_TOOLS_PATCH_ID` was decided at a task's first
 * dispatch, which may follow a local activity: a run whose local activity completed in a later
 * workflow task than it started in reaches that `patched()` call in an earlier workflow task on
 * replay, where its marker is not known yet, and fails with a nondeterminism error. Every patch is
 * now decided before the first command.
 */
export const LOCAL_TOOLS_AT_START_PATCH_ID = 'cadenza-local-tools-2';

/**
 * True when a task whose tool declares itself local may run as a local activity: from the start for
 * new executions; for those recorded before `LOCAL_TOOLS_AT_START_PATCH_ID`, decided with
 * `LOCAL_TOOLS_PATCH_ID` when such a task is first dispatched, as they were recorded.
 */
export function localToolsApply(behaviour: ExecutionBehaviour): boolean {
  return behaviour.localToolsFromStart || patched(LOCAL_TOOLS_PATCH_ID);
}

/**
 * Marker of continued runs whose flows re-enter at a carried gate that a command resolved before they
 * did (docs/design.md §11). Without it, a TaskResume, decision or repair handled in a continued run's
 * first workflow task was journaled and answered, but the flow found no open gate, opened a new one
 * and waited again. Asked at the start of every continued run (its own history), of no first run.
 */
export const CARRIED_GATES_PATCH_ID = 'cadenza-carried-gates-1';

/**
 * Decides this run's behaviour; call once, from the workflow function, before anything else.
 * The switches of a feature the definition does not use are not asked for, so its history holds no
 * marker for them: local tools only with a task whose tool declares itself local, callback URLs only
 * with a wait or approval task, carried gates only in a run that continued (`continued`).
 */
export function decideBehaviour(input: unknown, continued?: unknown): ExecutionBehaviour {
  const tasks = everyTask((input as { definition?: Partial<Definition> } | null)?.definition?.tasks);
  const usesLocalTools = tasks.some((t) => t?.type === 'basic' && localityOf(t) === 'tool_default');
  const usesGates = tasks.some((t) => t?.type === 'wait' || t?.type === 'approval');
  // Asked first: a new execution records only this marker; one recorded before asks the three below.
  const current = patched(CURRENT_PATCH_ID);
  const trust = current || patched(TRUST_PATCH_ID);
  // New executions record only the second callback marker; those recorded before ask the first.
  const tokenActivity = usesGates && patched(CALLBACK_ACTIVITY_PATCH_ID);
  // An execution from before the trust patch keeps everything as it was; a newer one asks for long life.
  return {
    ...behaviourOf(trust, current || (trust && patched(LONG_LIFE_PATCH_ID))),
    boundedPayloads: current || patched(SIZE_LIMITS_PATCH_ID),
    localToolsFromStart: usesLocalTools && patched(LOCAL_TOOLS_AT_START_PATCH_ID),
    callbackUrls: tokenActivity || (usesGates && patched(CALLBACK_PATCH_ID)),
    callbackTokenActivity: tokenActivity,
    resolvedCarriedGates: continued !== undefined && patched(CARRIED_GATES_PATCH_ID),
  };
}
