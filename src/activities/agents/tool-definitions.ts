/**
 * The tools an agent may call, as Chat Completions function definitions: each Cadenza tool's zod
 * input schema turned into JSON Schema with zod's own `z.toJSONSchema()`.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import { z } from 'zod';
import type { ToolRegistry } from '../tools/registry';

/** Function definitions of `ids`; an id the worker does not know fails the call for good. */
export function toolDefinitions(registry: ToolRegistry, ids: readonly string[]): ChatCompletionFunctionTool[] {
  return ids.map((id) => {
    const tool = registry.get(id);
    if (tool === undefined) {
      throw ApplicationFailure.create({ message: `the agent lists tool "${id}", which this worker does not have (known: ${registry.ids().join(', ')})`, type: 'ToolNotFound', nonRetryable: true });
    }
    return {
      type: 'function',
      function: { name: tool.id, ...(tool.description !== undefined && { description: tool.description }), parameters: parametersOf(tool.input) },
    };
  });
}

/** A JSON Schema object for the function's parameters (a schema that is not an object is wrapped as-is). */
function parametersOf(schema: z.ZodType): Record<string, unknown> {
  let json: Record<string, unknown>;
  try {
    json = z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' });
  } catch {
    json = {};
  }
  const { $schema: _ignored, ...rest } = json;
  return rest.type === 'object' ? rest : { type: 'object', additionalProperties: true, ...(Object.keys(rest).length > 0 && { description: 'any JSON value' }) };
}
