/**
 * The size limit variables (docs/decisions.md "Size limits"): defaults, bounds, and the HTTP response
 * cap following the task output limit (never above it).
 */
import { loadConfig } from '../../../src/config';
import { taskSizeLimitsFrom } from '../../../src/limits/size-limits';

describe('size limit configuration', () => {
  it('defaults: 512 KiB task outputs, inputs and trigger input, 256 KiB command data, the HTTP cap at the output limit', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      CADENZA_MAX_TASK_OUTPUT_BYTES: 524_288,
      CADENZA_MAX_TASK_INPUT_BYTES: 524_288,
      CADENZA_MAX_INPUT_BYTES: 524_288,
      CADENZA_MAX_COMMAND_DATA_BYTES: 262_144,
      CADENZA_HTTP_MAX_RESPONSE_BYTES: 524_288,
    });
    expect(taskSizeLimitsFrom(config)).toEqual({ maxOutputBytes: 524_288, maxInputBytes: 524_288 });
  });

  it('the HTTP cap follows a raised output limit and may be set below it', () => {
    expect(loadConfig({ CADENZA_MAX_TASK_OUTPUT_BYTES: '1048576' }).CADENZA_HTTP_MAX_RESPONSE_BYTES).toBe(1_048_576);
    expect(loadConfig({ CADENZA_MAX_TASK_OUTPUT_BYTES: '1048576', CADENZA_HTTP_MAX_RESPONSE_BYTES: '2048' }).CADENZA_HTTP_MAX_RESPONSE_BYTES).toBe(2048);
  });

  it.each([
    [{ CADENZA_HTTP_MAX_RESPONSE_BYTES: '1048576' }, /^invalid configuration: CADENZA_HTTP_MAX_RESPONSE_BYTES="1048576": must not exceed CADENZA_MAX_TASK_OUTPUT_BYTES \(524288\)/],
    [{ CADENZA_MAX_TASK_OUTPUT_BYTES: '2097152' }, /^invalid configuration: CADENZA_MAX_TASK_OUTPUT_BYTES="2097152": must be at most 1572864/],
    [{ CADENZA_MAX_TASK_INPUT_BYTES: '100' }, /^invalid configuration: CADENZA_MAX_TASK_INPUT_BYTES="100": must be at least 1024$/],
    [{ CADENZA_MAX_INPUT_BYTES: '1048577' }, /^invalid configuration: CADENZA_MAX_INPUT_BYTES="1048577": must be at most 1048576/],
    [{ CADENZA_MAX_COMMAND_DATA_BYTES: '1.5' }, /^invalid configuration: CADENZA_MAX_COMMAND_DATA_BYTES="1\.5": must be a whole number of bytes$/],
  ])('refuses %j in one line', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
