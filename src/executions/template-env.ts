/**
 * The `env` template variable: only the variables named in `CADENZA_TEMPLATE_ENV`, captured when an
 * execution is triggered, so the execution never sees the rest of the process environment and a
 * later change of the environment does not alter a running execution.
 */

/** The allow-listed variables that are set, by name. */
export function templateEnvSnapshot(allowList: readonly string[], env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const snapshot: Record<string, string> = {};
  for (const name of allowList) {
    const value = env[name];
    if (value !== undefined) snapshot[name] = value;
  }
  return snapshot;
}
