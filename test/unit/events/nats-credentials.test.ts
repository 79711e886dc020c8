import { ConfigError, loadConfig } from '../../../src/config';
import { assertCommandsSafe } from '../../../src/events/command-auth';
import { describeNatsServers, natsConnectOptions, natsSecrets, redactError, redactNatsUrl, redactSecrets } from '../../../src/events/nats-credentials';

const SECRET = 'pa55-w0rd';

/** The message `fn` throws; fails the test when it throws nothing. */
function thrownMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('natsConnectOptions', () => {
  it('takes user and password, or a token, out of the URLs (percent-decoded)', () => {
    expect(natsConnectOptions([`nats://alice:${SECRET}@10.0.0.1:4222`, 'nats://10.0.0.2:4222'])).toEqual({
      servers: ['nats://10.0.0.1:4222', 'nats://10.0.0.2:4222'],
      user: 'alice',
      pass: SECRET,
    });
    expect(natsConnectOptions(['nats://s3cr3t%2Ftoken@host:4222'])).toEqual({ servers: ['nats://host:4222'], token: 's3cr3t/token' });
    expect(natsConnectOptions(['nats://al%40ice:p@ss@host:4222'])).toEqual({ servers: ['nats://host:4222'], user: 'al@ice', pass: 'p@ss' });
    expect(natsConnectOptions(['127.0.0.1:4222'])).toEqual({ servers: ['127.0.0.1:4222'] });
  });

  it('refuses servers with different credentials, in the configuration too (without showing them)', () => {
    expect(() => natsConnectOptions(['nats://a:x@h1:4222', 'nats://a:y@h2:4222'])).toThrow(/same credentials/);
    const url = `nats://a:${SECRET}@h1:4222,nats://a:other-${SECRET}@h2:4222`;
    expect(() => loadConfig({ NATS_URL: url })).toThrow(ConfigError);
    expect(thrownMessage(() => loadConfig({ NATS_URL: url }))).toMatch(/same credentials/);
    expect(thrownMessage(() => loadConfig({ NATS_URL: url }))).not.toContain(SECRET);
  });
});

describe('what is shown', () => {
  it('redacts passwords and tokens in URLs, keeping the user name and the server', () => {
    expect(redactNatsUrl(`nats://alice:${SECRET}@host:4222`)).toBe('nats://alice:***@host:4222');
    expect(redactNatsUrl(`tls://${SECRET}@host:4222`)).toBe('tls://***@host:4222');
    expect(redactNatsUrl('nats://host:4222')).toBe('nats://host:4222');
    expect(describeNatsServers([`nats://alice:${SECRET}@h1:4222`, 'h2:4222'])).toBe('nats://alice:***@h1:4222, h2:4222');
  });

  it('scrubs the secrets out of any text and error', () => {
    const secrets = natsSecrets([`nats://alice:${encodeURIComponent('pa/ss')}@h:4222`, `nats://alice:${encodeURIComponent('pa/ss')}@h2:4222`]);
    expect(secrets).toEqual(['pa%2Fss', 'pa/ss']);
    expect(redactSecrets('auth failed for pa/ss and pa%2Fss', secrets)).toBe('auth failed for *** and ***');
    const scrubbed = redactError(new TypeError('bad pa/ss'), secrets) as Error;
    expect([scrubbed.name, scrubbed.message, scrubbed.stack?.includes('pa/ss')]).toEqual(['TypeError', 'bad ***', false]);
  });

  it('never prints NATS credentials in configuration errors or the commands-safety refusal', () => {
    const message = thrownMessage(() => loadConfig({ NATS_URL: `nats://alice:${SECRET}@host:4222/path` }));
    expect(message).toMatch(/^invalid configuration: NATS_URL=.*alice:\*\*\*@host:4222\/path/);
    expect(message).not.toContain(SECRET);
    const config = loadConfig({ NATS_URL: `nats://alice:${SECRET}@nats.example.com:4222` });
    const refusal = thrownMessage(() => assertCommandsSafe(config));
    expect(refusal).toContain('nats.example.com');
    expect(refusal).not.toContain(SECRET);
  });
});
