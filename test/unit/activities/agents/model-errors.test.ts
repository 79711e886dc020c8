import { CancelledFailure } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import fc from 'fast-check';
import OpenAI from 'openai';
import { z } from 'zod';
import { modelFailure } from '../../../../src/activities/agents/model-errors';
import { toolDefinitions } from '../../../../src/activities/agents/tool-definitions';
import { defineTool } from '../../../../src/activities/tools/tool';
import { ToolRegistry } from '../../../../src/activities/tools/registry';

const apiError = (status: number) => OpenAI.APIError.generate(status, { error: { message: 'nope' } }, 'nope', new Headers());

describe('modelFailure', () => {
  it('retries 429, 408, 409 and every 5xx; refuses to retry every other 4xx', () => {
    fc.assert(
      fc.property(fc.integer({ min: 400, max: 599 }), (status) => {
        const failure = modelFailure(apiError(status), 'http://m/v1', false) as ApplicationFailure;
        const retryable = status >= 500 || status === 429 || status === 408 || status === 409;
        expect(failure).toBeInstanceOf(ApplicationFailure);
        expect(failure.nonRetryable).toBe(!retryable);
        expect(failure.message).toContain(String(status));
      }),
    );
  });

  it('a timeout and an unreachable endpoint are retried; an abort is a cancellation', () => {
    expect(modelFailure(new OpenAI.APIConnectionTimeoutError(), 'u', false)).toMatchObject({ type: 'ModelTimeout', nonRetryable: false });
    expect(modelFailure(new OpenAI.APIConnectionError({ message: 'refused' }), 'u', false)).toMatchObject({ type: 'ModelUnreachable', nonRetryable: false });
    expect(modelFailure(new OpenAI.APIUserAbortError(), 'u', false)).toBeInstanceOf(CancelledFailure);
    expect(modelFailure(new Error('x'), 'u', true)).toBeInstanceOf(CancelledFailure);
    expect(modelFailure(new SyntaxError('Unexpected end of JSON'), 'u', false)).toMatchObject({ type: 'ModelAnswerUnreadable', nonRetryable: false });
  });
});

describe('toolDefinitions', () => {
  const lookup = defineTool({ id: 'lookup', description: 'Looks up', input: z.object({ id: z.string(), n: z.number().int().default(1) }), run: () => Promise.resolve(null) });
  const registry = ToolRegistry.withBuiltins([lookup]);

  it("turns each tool's zod input into JSON Schema parameters", () => {
    const [fn, echo] = toolDefinitions(registry, ['lookup', 'echo']);
    expect(fn).toMatchObject({ type: 'function', function: { name: 'lookup', description: 'Looks up', parameters: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } } });
    expect(fn!.function.parameters).not.toHaveProperty('$schema');
    // echo takes any value: still an object schema the model can fill.
    expect(echo!.function.parameters).toMatchObject({ type: 'object' });
  });

  it('an unknown tool fails the call for good, naming the tools the worker has', () => {
    expect(() => toolDefinitions(registry, ['missing'])).toThrow(expect.objectContaining({ type: 'ToolNotFound', nonRetryable: true, message: expect.stringContaining('echo, http, lookup') }) as Error);
  });
});
