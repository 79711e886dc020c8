/**
 * Loads user tools from module paths (CADENZA_TOOLS). A module exports a tool as `default`, `tool`,
 * or an array of tools as `tools`.
 */
import path from 'node:path';
import type { Tool } from './tool';

function isTool(value: unknown): value is Tool {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.id === 'string' && typeof v.run === 'function' && typeof (v.input as { safeParse?: unknown } | undefined)?.safeParse === 'function';
}

export async function loadUserTools(modulePaths: readonly string[], cwd = process.cwd()): Promise<Tool[]> {
  const tools: Tool[] = [];
  for (const modulePath of modulePaths) {
    const resolved = path.resolve(cwd, modulePath);
    let mod: Record<string, unknown>;
    try {
      mod = (await import(resolved)) as Record<string, unknown>;
    } catch (err) {
      throw new Error(`cannot load tool module ${modulePath}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    const candidates = [mod.default, mod.tool, ...(Array.isArray(mod.tools) ? (mod.tools as unknown[]) : [])].filter((c) => c !== undefined);
    const found = candidates.filter(isTool);
    if (found.length === 0) throw new Error(`tool module ${modulePath} exports no tool (expected default, "tool" or "tools" with {id, input (zod), run})`);
    tools.push(...found);
  }
  return tools;
}
