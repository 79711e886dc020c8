/**
 * `echo`: returns its input. Useful to shape data between tasks and in examples.
 */
import { z } from 'zod';
import { defineTool } from './tool';

export const echoTool = defineTool({
  id: 'echo',
  description: 'Returns its input unchanged.',
  input: z.unknown(),
  // Returns at once: a local activity saves the task queue round trip (docs/design.md §13).
  local: true,
  run: (input) => Promise.resolve(input),
});
