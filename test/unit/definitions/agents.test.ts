import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DefinitionError, type DefinitionIssue } from '../../../src/definitions/definition-error';
import { parseDefinition, validateDefinitionObject } from '../../../src/definitions/parse';

const agent = { id: 'triage', model: { base_url: 'http://127.0.0.1:1/v1', name: 'm', api_key_env: 'LLM_API_KEY' }, tools: ['lookup-order', 'refund'], approve_tools: ['refund'] };

function issuesOf(body: Record<string, unknown>): readonly DefinitionIssue[] {
  try {
    validateDefinitionObject({ id: 'agents', ...body });
    return [];
  } catch (err) {
    if (!(err instanceof DefinitionError)) throw err;
    return err.issues;
  }
}

describe('agents in definitions (docs/design.md §8)', () => {
  it('accepts the shipped support-triage example', () => {
    const text = readFileSync(path.resolve(__dirname, '../../../workflows/support-triage.yaml'), 'utf8');
    const def = parseDefinition(text, 'yaml');
    expect(def.agents?.[0]).toMatchObject({ id: 'triage', approve_tools: ['refund'], model: { api_key_env: 'LLM_API_KEY' } });
    expect(def.tasks[0]).toMatchObject({ type: 'basic', agent: 'triage' });
  });

  it('names every problem of agents and agent tasks with its path', () => {
    const issues = issuesOf({
      agents: [agent, { ...agent, approve_tools: ['wire-money'] }],
      tasks: [
        { id: 'a', type: 'basic', agent: 'triag', prompt: 'x', on_success: { next: 'b' } },
        { id: 'b', type: 'basic', tool: 'echo', agent: 'triage', prompt: 'y', on_success: { next: 'c' } },
        { id: 'c', type: 'basic', on_success: { next: 'd' } },
        { id: 'd', type: 'basic', tool: 'echo', prompt: 'z', on_success: { next: 'e' } },
        { id: 'e', type: 'basic', agent: 'triage' },
      ],
    });
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'agents[1].id', message: 'duplicate agent id "triage" (already used at agents[0])' },
        { path: 'agents[1].approve_tools[0]', message: '"wire-money" is not in tools of agent "triage"' },
        { path: 'tasks[0].agent', message: 'unknown agent "triag" (did you mean "triage"?)' },
        { path: 'tasks[1].agent', message: 'choose one of "tool" and "agent"' },
        { path: 'tasks[2]', message: 'a basic task needs "tool" or "agent"' },
        { path: 'tasks[3].prompt', message: 'a prompt needs "agent"' },
        { path: 'tasks[4].prompt', message: 'agent task needs a prompt' },
      ]),
    );
  });

  it('refuses a key value where the NAME of a variable belongs, and bad templates in prompts and model fields', () => {
    const key = issuesOf({ agents: [{ ...agent, model: { ...agent.model, api_key_env: 'sk-live-123' } }], tasks: [{ id: 'a', type: 'basic', agent: 'triage', prompt: 'p' }] });
    expect(key).toEqual([{ path: 'agents[0].model.api_key_env', message: expect.stringContaining('NAME of an environment variable') }]);
    const issues = issuesOf({
      agents: [{ ...agent, model: { base_url: '{{ env. }}', name: '{{ nope.x }}' } }],
      tasks: [{ id: 'a', type: 'basic', agent: 'triage', prompt: '{{ input. }}' }],
    });
    const paths = issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['agents[0].model.base_url', 'agents[0].model.name', 'tasks[0].prompt']));
  });
});
