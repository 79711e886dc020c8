/**
 * The `agents:` section of a definition (docs/design.md §8): an OpenAI-compatible Chat Completions
 * model, instructions, the tools the model may call, which of them need a human approval per call,
 * the structured output and the limits of the loop.
 */
import { z } from 'zod';

/** An agent id: like a task id, it appears in activity ids and events. */
export const AgentIdSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'must start with a letter and hold only letters, digits, "_" or "-" (max 64)');

/** The name of an environment variable (never its value). */
export const EnvNameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'must be the NAME of an environment variable (letters, digits, "_")');

/** Where and how the model is called: any OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, LiteLLM). */
export const AgentModelSchema = z.strictObject({
  /** Base URL of the API, ending in `/v1`; may be a template such as `{{ env.LLM_BASE_URL }}`. */
  base_url: z.string().min(1).max(2000),
  /** Model name as the endpoint knows it; may be a template such as `{{ env.LLM_MODEL }}`. */
  name: z.string().min(1).max(200),
  /** NAME of the worker's environment variable that holds the API key; omitted: no key (local servers). */
  api_key_env: EnvNameSchema.optional(),
  temperature: z.number().min(0).max(2).optional(),
});
export type AgentModel = z.infer<typeof AgentModelSchema>;

/** Tool ids the model may call: a function name for the model, so letters, digits, "_" and "-". */
const ToolNameSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a tool the model calls needs an id of letters, digits, "_" or "-" (max 64)');

export const AgentSchema = z.strictObject({
  id: AgentIdSchema,
  model: AgentModelSchema,
  /** The system message; may hold `{{ cel }}` templates. */
  instructions: z.string().max(100_000).optional(),
  /** Cadenza tools (built-ins and user tools) the model may call; their zod input is its JSON Schema. */
  tools: z.array(ToolNameSchema).max(128).optional(),
  /** Tools of `tools` whose every call waits at an approval gate first. */
  approve_tools: z.array(ToolNameSchema).max(128).optional(),
  /** JSON Schema of the final answer; without it the output is `{text}`. */
  output_schema: z.record(z.string(), z.unknown()).optional(),
  /** Most model calls one run of the agent may make (default 8). */
  max_turns: z.number().int().min(1).max(200).optional(),
  /** Most tokens (prompt + completion, summed over the model calls) one run may use. */
  max_tokens: z.number().int().min(1).optional(),
});
export type Agent = z.infer<typeof AgentSchema>;
