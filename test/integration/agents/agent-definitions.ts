/**
 * Definitions the agent tests run: one agent task (model scripted per test on the fake server) and
 * the shipped `workflows/support-triage.yaml`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { VersionedDefinition } from '../../../src/definitions/schema';
import { definition } from '../workflow/start-execution';

/** One agent task `classify` whose model is `model` on `baseUrl`; `agent` and `task` extend it. */
export function agentDefinition(id: string, baseUrl: string, model: string, extra: { agent?: Record<string, unknown>; task?: Record<string, unknown>; body?: Record<string, unknown> } = {}): VersionedDefinition {
  return definition({
    id,
    agents: [
      {
        id: 'triage',
        model: { base_url: baseUrl, name: model, api_key_env: 'CADENZA_TEST_LLM_KEY', temperature: 0 },
        instructions: 'You triage tickets. Ticket {{ input.ticket_id }}.',
        tools: ['lookup-order', 'refund', 'pause-step'],
        approve_tools: ['refund'],
        output_schema: { type: 'object', required: ['category'], properties: { category: { enum: ['billing', 'bug', 'other'] } } },
        max_turns: 6,
        ...extra.agent,
      },
    ],
    tasks: [{ id: 'classify', type: 'basic', agent: 'triage', prompt: 'Ticket {{ input.ticket_id }}: {{ input.text }}', heartbeat_timeout: '2s', retry: { maximum_attempts: 3, initial_interval: '100ms' }, ...extra.task }],
    outputs: { category: '{{ tasks.classify.output.category }}' },
    ...extra.body,
  });
}

/** The shipped example, as a body for the API. */
export function supportTriageBody(): Record<string, unknown> {
  return parse(readFileSync(path.resolve(__dirname, '../../../workflows/support-triage.yaml'), 'utf8')) as Record<string, unknown>;
}

/** The key the agent definitions name; set in the test process, whose worker reads it. */
export const TEST_KEY_ENV = 'CADENZA_TEST_LLM_KEY';
