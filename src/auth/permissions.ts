/**
 * Permissions an API key can hold (docs/design.md §7). Every route and every NATS command names the one it
 * needs; `/healthz`, `/readyz` and `/docs` need none.
 */

/** Every permission, by name. */
export const Permission = {
  /** List, read and validate definitions. Implied by `workflows:write`. */
  WorkflowsRead: 'workflows:read',
  /** Register definitions. */
  WorkflowsWrite: 'workflows:write',
  /** Start executions (WorkflowTrigger). */
  ExecutionsTrigger: 'executions:trigger',
  /** List executions; read state, status, events and task context. */
  ExecutionsRead: 'executions:read',
  /** Pause an execution. */
  ExecutionPause: 'execution:pause',
  /** Resume an execution (and its dry run); wake a waiting task (TaskResume). */
  ExecutionResume: 'execution:resume',
  /** Cancel an execution. */
  ExecutionCancel: 'execution:cancel',
  /** Send a generic signal to an execution (`wait_for` names). */
  ExecutionSignal: 'execution:signal',
  /** Decide approvals and read the approval inbox. */
  ApprovalsDecide: 'approvals:decide',
  /** Send events in (`POST /api/v1/events`, NATS `<p>.events.in.<name>`): start triggered workflows, resume correlated waits. */
  EventsPublish: 'events:publish',
} as const;
/** One permission (`workflows:read`, ...). */
export type Permission = (typeof Permission)[keyof typeof Permission];

/** Every permission, for the wildcard and for auth off. */
export const allPermissions: readonly Permission[] = Object.values(Permission);

/** Grants every permission (an operator's key). */
export const ALL_PERMISSIONS_WILDCARD = '*';

/** Permissions that come with another one. */
const implied: Partial<Record<Permission, readonly Permission[]>> = {
  [Permission.WorkflowsWrite]: [Permission.WorkflowsRead],
};

/** The full set a key holds, wildcard and implications expanded. */
export function expandPermissions(granted: readonly string[]): ReadonlySet<Permission> {
  if (granted.includes(ALL_PERMISSIONS_WILDCARD)) return new Set(allPermissions);
  const set = new Set<Permission>();
  for (const p of granted) {
    const permission = allPermissions.find((known) => known === p);
    if (permission === undefined) continue;
    set.add(permission);
    for (const extra of implied[permission] ?? []) set.add(extra);
  }
  return set;
}
