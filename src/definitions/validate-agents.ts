/**
 * Static checks of a definition's agents and of the basic tasks that run them (docs/design.md §8):
 * a basic task names exactly one of `tool` and `agent`, an agent it names exists, `prompt` goes with
 * `agent`, agent ids are unique and `approve_tools` is a part of `tools`.
 */
import { closestMatch } from './closest-match';
import type { DefinitionIssue } from './definition-error';
import type { Definition, Task } from './schema';

/** Every issue of the agents and the agent tasks of `definition`. */
export function agentIssues(definition: Definition, tasks: ReadonlyArray<{ task: Task; path: string }>): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  const ids = new Map<string, number>();
  (definition.agents ?? []).forEach((agent, i) => {
    const path = `agents[${i}]`;
    const first = ids.get(agent.id);
    if (first !== undefined) issues.push({ path: `${path}.id`, message: `duplicate agent id "${agent.id}" (already used at agents[${first}])` });
    else ids.set(agent.id, i);
    const tools = new Set(agent.tools ?? []);
    (agent.approve_tools ?? []).forEach((tool, j) => {
      if (!tools.has(tool)) issues.push({ path: `${path}.approve_tools[${j}]`, message: `"${tool}" is not in tools of agent "${agent.id}"` });
    });
    const seen = new Set<string>();
    (agent.tools ?? []).forEach((tool, j) => {
      if (seen.has(tool)) issues.push({ path: `${path}.tools[${j}]`, message: `tool "${tool}" is listed twice` });
      seen.add(tool);
    });
  });
  for (const { task, path } of tasks) {
    if (task.type !== 'basic') continue;
    if (task.tool === undefined && task.agent === undefined) issues.push({ path, message: 'a basic task needs "tool" or "agent"' });
    if (task.tool !== undefined && task.agent !== undefined) issues.push({ path: `${path}.agent`, message: 'choose one of "tool" and "agent"' });
    if (task.agent === undefined) {
      if (task.prompt !== undefined) issues.push({ path: `${path}.prompt`, message: 'a prompt needs "agent"' });
      continue;
    }
    if (task.with !== undefined) issues.push({ path: `${path}.with`, message: 'an agent task takes "prompt", not "with"' });
    if (task.prompt === undefined) issues.push({ path: `${path}.prompt`, message: `agent task needs a prompt` });
    if (!ids.has(task.agent)) {
      const match = closestMatch(task.agent, ids.keys());
      issues.push({ path: `${path}.agent`, message: `unknown agent "${task.agent}"${match === undefined ? '' : ` (did you mean "${match}"?)`}` });
    }
  }
  return issues;
}
