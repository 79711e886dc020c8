/**
 * The tools a worker can run, by id: the built-ins plus user tools.
 */
import { echoTool } from './echo';
import { createHttpTool, type HttpToolOptions } from './http';
import type { Tool } from './tool';

export class ToolRegistry {
  private readonly tools = new Map<string, Tool>();

  /**
   * A registry with the built-ins (`echo`, `http` configured by `options.http`) and the given tools;
   * a duplicate id is an error.
   */
  static withBuiltins(extra: readonly Tool[] = [], options: { http?: HttpToolOptions } = {}): ToolRegistry {
    const registry = new ToolRegistry();
    for (const tool of [echoTool, createHttpTool(options.http)]) registry.register(tool, true);
    for (const tool of extra) registry.register(tool);
    return registry;
  }

  /** Adds a tool; only a built-in may declare itself local (workflow code knows those by id, `LOCAL_BUILTIN_TOOLS`). */
  register(tool: Tool, builtin = false): void {
    if (tool.local === true && !builtin) {
      throw new Error(`tool "${tool.id}" declares local: true, which only built-in tools may; set local: true on the tasks that use it`);
    }
    if (this.tools.has(tool.id)) throw new Error(`duplicate tool id "${tool.id}"`);
    this.tools.set(tool.id, tool);
  }

  get(id: string): Tool | undefined {
    return this.tools.get(id);
  }

  ids(): string[] {
    return [...this.tools.keys()].sort();
  }
}
