/**
 * Tools of the NATS tests. `tools` is what CADENZA_TOOLS loads in a worker child process.
 */
import { z } from 'zod';
import { defineTool, type Tool } from '../../../src/activities/tools/tool';
import { waitFor as waitDirective } from '../../../src/activities/tools/wait-directive';

/** Seed 000's tool side: asks to wait on its first run, returns the resume data on the next. */
export const askTool = defineTool({
  id: 'nats-ask',
  input: z.object({ wait_reason: z.string(), resume_conditions: z.record(z.string(), z.unknown()).optional() }),
  run(input, ctx): Promise<unknown> {
    if (ctx.resume === null || ctx.resume === undefined) {
      return Promise.resolve(waitDirective({ wait_reason: input.wait_reason, ...(input.resume_conditions && { resume_conditions: input.resume_conditions }) }));
    }
    return Promise.resolve({ answer: ctx.resume });
  },
});

/** Waits `ms`, then returns `{ slept }`. */
export const napTool = defineTool({
  id: 'nap',
  input: z.object({ ms: z.number().int().min(0) }),
  run(input) {
    return new Promise((resolve) => setTimeout(() => resolve({ slept: input.ms }), input.ms));
  },
});

export const natsTools = [askTool, napTool] as Tool[];

/** For `CADENZA_TOOLS`. */
export const tools = natsTools;
