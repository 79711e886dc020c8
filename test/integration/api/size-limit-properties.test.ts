/**
 * The API's size limits as properties over sizes around them (docs/design.md §11), through REST on the
 * real server with the limits lowered to 4 KiB: a trigger input, resume data or a signal payload just
 * below or at its limit goes through to Temporal (202, or the workflow's own answer), one byte or a few
 * above is `413` naming its exact size, whatever the characters (sizes are UTF-8 bytes of JSON; the
 * oracle is Node's Buffer.byteLength).
 */
import fc from 'fast-check';
import { shippingWait } from '../fixtures/edge-definitions';
import { expectProblem, startApiContext, type ApiContext } from './api-context';
import { ExecutionDriver } from './execution-driver';

jest.setTimeout(180_000);

const LIMIT = 4096;

let ctx: ApiContext;
let api: ExecutionDriver;
let waiting: string;

beforeAll(async () => {
  ctx = await startApiContext({ configEnv: { CADENZA_MAX_INPUT_BYTES: String(LIMIT), CADENZA_MAX_COMMAND_DATA_BYTES: String(LIMIT) } });
  api = new ExecutionDriver(ctx.app);
  await api.register({ id: 'tiny', tasks: [{ id: 'echo', type: 'basic', tool: 'echo', with: { ok: true } }] });
  await api.register(shippingWait('ship-props'));
  waiting = await api.trigger('ship-props');
  await api.waitForStatus(waiting, 'paused', (s) => s.pause?.reason === 'waiting_for_signal');
});

afterAll(async () => {
  await ctx?.close();
});

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** A value `make(text)` whose JSON is exactly `target` bytes, `text` starting with `prefix`; undefined when the prefix alone is bigger. */
function sized<T>(prefix: string, target: number, make: (text: string) => T): T | undefined {
  const missing = target - bytes(make(prefix));
  return missing < 0 ? undefined : make(prefix + 'a'.repeat(missing));
}

const prefixes = fc.string({ unit: 'grapheme', maxLength: 30 });
const offsets = fc.integer({ min: -3, max: 3 });
const runs = { numRuns: 20 };

it('trigger input: 202 up to CADENZA_MAX_INPUT_BYTES, 413 input_too_large above it', async () => {
  await fc.assert(
    fc.asyncProperty(prefixes, offsets, async (prefix, delta) => {
      const input = sized(prefix, LIMIT + delta, (s) => ({ s }));
      fc.pre(input !== undefined);
      const res = await api.post('/api/v1/workflows/tiny/executions', { input });
      if (delta <= 0) expect(res.statusCode).toBe(202);
      else expect(expectProblem(res, 413, 'input_too_large')).toMatchObject({ size_bytes: LIMIT + delta, limit_bytes: LIMIT, path: 'body.input' });
    }),
    runs,
  );
});

it('resume data: up to CADENZA_MAX_COMMAND_DATA_BYTES it reaches the workflow (which refuses it on its own terms), above it is 413', async () => {
  await fc.assert(
    fc.asyncProperty(prefixes, offsets, async (prefix, delta) => {
      // An empty carrier never meets the wait's condition: the task keeps waiting for the next case.
      const resumeData = sized(prefix, LIMIT + delta, (pad) => ({ carrier: '', pad }));
      fc.pre(resumeData !== undefined);
      const res = await api.post(`/api/v1/executions/${waiting}/tasks/ship/resume`, { resume_data: resumeData });
      if (delta <= 0) expectProblem(res, 409, 'condition_not_met');
      else expect(expectProblem(res, 413, 'command_data_too_large')).toMatchObject({ size_bytes: LIMIT + delta, limit_bytes: LIMIT, path: 'body.resume_data' });
    }),
    runs,
  );
});

it('signal payload: 202 up to CADENZA_MAX_COMMAND_DATA_BYTES, 413 above it', async () => {
  await fc.assert(
    fc.asyncProperty(prefixes, offsets, async (prefix, delta) => {
      const payload = sized(prefix, LIMIT + delta, (pad) => ({ pad }));
      fc.pre(payload !== undefined);
      const res = await api.post(`/api/v1/executions/${waiting}/signals/unrelated`, { payload });
      if (delta <= 0) expect(res.statusCode).toBe(202);
      else expect(expectProblem(res, 413, 'command_data_too_large')).toMatchObject({ size_bytes: LIMIT + delta, path: 'body.payload' });
    }),
    runs,
  );
  expect((await api.status(waiting)).status).toBe('paused');
});
