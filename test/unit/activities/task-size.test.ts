/**
 * The task activity's size checks (docs/design.md §11), as properties over sizes around the limits:
 * an output or input just below or at its limit passes, one just above fails with a non-retryable
 * `output_too_large` / `input_too_large` naming its exact size, measured as UTF-8 JSON whatever the
 * characters. The oracle is Node's own `Buffer.byteLength` of `JSON.stringify`.
 */
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import fc from 'fast-check';
import { z } from 'zod';
import { createRunTask } from '../../../src/activities/run-task';
import { boundedFailureDetails, MAX_FAILURE_DETAILS_BYTES } from '../../../src/activities/task-size';
import { ToolRegistry } from '../../../src/activities/tools/registry';
import { defineTool } from '../../../src/activities/tools/tool';
import type { TaskActivityRequest } from '../../../src/workflows/contracts';

const OUTPUT_LIMIT = 4096;
const INPUT_LIMIT = 3000;

const textTool = defineTool({
  id: 'text',
  input: z.object({ text: z.string() }),
  run: (input) => Promise.resolve({ text: input.text }),
});

const runTask = createRunTask(ToolRegistry.withBuiltins([textTool]), { maxOutputBytes: OUTPUT_LIMIT, maxInputBytes: INPUT_LIMIT });

function request(input: unknown): TaskActivityRequest {
  return { tool: 'text', input, execution_id: 'e', workflow_id: 'w', task_id: 't', task_exec_id: 'x', attempt: 1, idempotency_key: 'e:x' };
}

/** An activity environment whose logger keeps the (expected) failures out of the test output. */
const environment = () => new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') });

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');
/** What the activity returns for `text`, with a start time of the same length as any ISO-8601 one. */
const resultOf = (text: string) => ({ output: { text }, started_at: '2030-01-01T00:00:00.000Z' });

/** `prefix` padded with ASCII so that `measure` of it is `target` bytes; undefined when the prefix alone is bigger. */
function padTo(prefix: string, target: number, measure: (text: string) => number): string | undefined {
  const missing = target - measure(prefix);
  return missing < 0 ? undefined : prefix + 'a'.repeat(missing);
}

async function outcome(input: unknown): Promise<{ ok: true } | { ok: false; failure: ApplicationFailure }> {
  try {
    await environment().run(runTask, request(input));
    return { ok: true };
  } catch (error) {
    if (!(error instanceof ApplicationFailure)) throw error;
    return { ok: false, failure: error };
  }
}

const someText = fc.string({ unit: 'grapheme', maxLength: 40 });
const offset = fc.integer({ min: -3, max: 3 });

describe('task output limit', () => {
  it('passes outputs up to the limit and refuses the ones above with their exact size', async () => {
    await fc.assert(
      fc.asyncProperty(someText, offset, async (prefix, delta) => {
        const text = padTo(prefix, OUTPUT_LIMIT + delta, (t) => bytes(resultOf(t)));
        fc.pre(text !== undefined);
        const limited = createRunTask(ToolRegistry.withBuiltins([textTool]), { maxOutputBytes: OUTPUT_LIMIT, maxInputBytes: 8192 });
        let failure: ApplicationFailure | undefined;
        await environment().run(limited, request({ text })).catch((e: unknown) => (failure = e as ApplicationFailure));
        if (delta <= 0) {
          expect(failure).toBeUndefined();
          return;
        }
        expect(failure).toMatchObject({ type: 'output_too_large', nonRetryable: true });
        expect(failure?.details?.[0]).toMatchObject({ details: { size_bytes: OUTPUT_LIMIT + delta, limit_bytes: OUTPUT_LIMIT, limit: 'CADENZA_MAX_TASK_OUTPUT_BYTES' } });
      }),
      { numRuns: 60 },
    );
  });
});

describe('task input limit', () => {
  it('runs the tool on inputs up to the limit and refuses the ones above before it runs', async () => {
    await fc.assert(
      fc.asyncProperty(someText, offset, async (prefix, delta) => {
        const text = padTo(prefix, INPUT_LIMIT + delta, (t) => bytes({ text: t }));
        fc.pre(text !== undefined);
        const result = await outcome({ text });
        if (delta <= 0) {
          expect(result).toEqual({ ok: true });
          return;
        }
        expect(result.ok).toBe(false);
        if (result.ok) return;
        expect(result.failure).toMatchObject({ type: 'input_too_large', nonRetryable: true });
        expect(result.failure.details?.[0]).toMatchObject({ details: { size_bytes: INPUT_LIMIT + delta, limit_bytes: INPUT_LIMIT } });
      }),
      { numRuns: 60 },
    );
  });
});

describe('failure details', () => {
  it('keeps small details and summarizes big ones with their size', () => {
    expect(boundedFailureDetails({ status: 500, body: 'short' })).toEqual({ status: 500, body: 'short' });
    const big = { body: 'b'.repeat(MAX_FAILURE_DETAILS_BYTES) };
    expect(boundedFailureDetails(big)).toEqual({ omitted: true, reason: `larger than ${MAX_FAILURE_DETAILS_BYTES} bytes of JSON`, size_bytes: bytes(big) });
  });

  it('a tool failing with megabytes of details fails the attempt with a summary and no cause carrying them', async () => {
    const loud = defineTool({
      id: 'loud',
      input: z.object({}),
      run: () => Promise.reject(ApplicationFailure.create({ message: 'm'.repeat(20_000), type: 'HttpError', nonRetryable: true, details: [{ body: 'x'.repeat(3_000_000) }] })),
    });
    const run = createRunTask(ToolRegistry.withBuiltins([loud]));
    const failure: ApplicationFailure = await environment()
      .run(run, { ...request({}), tool: 'loud' })
      .then(
        () => {
          throw new Error('the attempt succeeded');
        },
        (e: unknown) => e as ApplicationFailure,
      );
    expect(failure).toMatchObject({ type: 'HttpError', nonRetryable: true, cause: undefined });
    expect(failure.details?.[0]).toMatchObject({ details: { omitted: true, size_bytes: bytes({ body: 'x'.repeat(3_000_000) }) } });
    expect(failure.message.length).toBeLessThan(8300);
  });
});
