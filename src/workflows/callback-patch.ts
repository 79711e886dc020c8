/**
 * Markers of callback URLs (docs/design.md §9), decided at the start of an execution
 * (`ExecutionBehaviour.callbackUrls`, `ExecutionBehaviour.callbackTokenActivity`): executions started
 * before them replay without the token activity.
 */
export const CALLBACK_PATCH_ID = 'cadenza-callbacks-1';

/**
 * Marker of callback URLs whose token comes from an ordinary activity instead of a local one. A local
 * activity's result is recorded as a marker in the workflow task that ran it, but Temporal's core may
 * hand it to the workflow only in the next activation, together with an update that arrived
 * meanwhile, and runs the update's handler first; replaying the history delivers the marker first. The
 * two orders produce different commands, and the replay fails with a nondeterminism error (seen about
 * once in a dozen command-fuzz runs: a pause racing the token of a wait or an approval). An ordinary
 * activity's completion is an event of the history, ordered against the update there, so live and
 * replayed runs see the same order. New executions record this marker instead of `CALLBACK_PATCH_ID`.
 */
export const CALLBACK_ACTIVITY_PATCH_ID = 'cadenza-callbacks-2';
