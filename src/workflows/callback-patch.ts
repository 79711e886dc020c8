/**
 * Marker of callback URLs (docs/design.md §9), decided at the start of an execution
 * (`ExecutionBehaviour.callbackUrls`): executions started before them replay without the token activity.
 */
export const CALLBACK_PATCH_ID = 'cadenza-callbacks-1';
