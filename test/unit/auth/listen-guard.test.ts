/**
 * The listen guard trusts only real loopback: IP literals it can read, and exactly `localhost`
 * once it resolved to loopback only.
 */
import { isIP } from 'node:net';
import fc from 'fast-check';
import { assertSafeToListen, isLoopbackAddress, isLoopbackHost, UnsafeListenAddressError, type ResolveAll } from '../../../src/auth/listen-guard';
import { ConfigError, loadConfig } from '../../../src/config';

const alice = { key: 'alice-secret-key-0001', name: 'alice', permissions: ['approvals:decide' as const], roles: [] };

/** Fails the test if the guard resolves a host it should decide on the literal. */
const noLookup: ResolveAll = (host) => Promise.reject(new Error(`unexpected lookup of ${host}`));
const resolvesTo =
  (...addresses: string[]): ResolveAll =>
  () =>
    Promise.resolve(addresses);

const octet = fc.integer({ min: 0, max: 255 });
const ipv4 = fc.tuple(octet, octet, octet, octet);
const group = fc.integer({ min: 0, max: 0xffff });

/** Eight 16-bit groups, biased towards the interesting ones (loopback, IPv4-mapped, mostly zero). */
const ipv6Groups: fc.Arbitrary<number[]> = fc.oneof(
  fc.array(group, { minLength: 8, maxLength: 8 }),
  fc.constant<number[]>([0, 0, 0, 0, 0, 0, 0, 1]),
  ipv4.map(([a, b, c, d]) => [0, 0, 0, 0, 0, 0xffff, (a << 8) | b, (c << 8) | d]),
  fc.array(fc.oneof(fc.constant(0), fc.constant(1), fc.constant(0xffff), group), { minLength: 8, maxLength: 8 }),
);

/** Whether eight groups are ::1 or IPv4-mapped 127.0.0.0/8 (the truth, computed on numbers). */
function loopbackGroups(groups: number[]): boolean {
  const zeroPrefix = groups.slice(0, 5).every((g) => g === 0);
  if (zeroPrefix && groups[5] === 0 && groups[6] === 0 && groups[7] === 1) return true;
  return zeroPrefix && groups[5] === 0xffff && (groups[6]! >> 8) === 127;
}

/** One of the many ways to write eight groups: padded or not, compressed or not, any letter case, a dotted tail. */
const ipv6Text = fc
  .record({ groups: ipv6Groups, pad: fc.boolean(), compress: fc.boolean(), upper: fc.boolean(), dotted: fc.boolean() })
  .map(({ groups, pad, compress, upper, dotted }) => {
    const hex = groups.map((g) => (pad ? g.toString(16).padStart(4, '0') : g.toString(16)));
    let parts = hex;
    if (dotted) parts = [...hex.slice(0, 6), `${groups[6]! >> 8}.${groups[6]! & 0xff}.${groups[7]! >> 8}.${groups[7]! & 0xff}`];
    let text = parts.join(':');
    if (compress) {
      const run = longestZeroRun(groups.slice(0, dotted ? 6 : 8));
      if (run) text = `${parts.slice(0, run.start).join(':')}::${parts.slice(run.start + run.length).join(':')}`;
    }
    return { groups, text: upper ? text.toUpperCase() : text };
  });

function longestZeroRun(groups: number[]): { start: number; length: number } | undefined {
  let best: { start: number; length: number } | undefined;
  for (let i = 0; i < groups.length; i++) {
    let j = i;
    while (j < groups.length && groups[j] === 0) j++;
    if (j - i >= 2 && (!best || j - i > best.length)) best = { start: i, length: j - i };
    i = Math.max(i, j);
  }
  return best;
}

describe('isLoopbackHost: properties', () => {
  it('an IPv4 dotted quad is loopback exactly when it is in 127.0.0.0/8', () => {
    fc.assert(fc.property(ipv4, ([a, b, c, d]) => isLoopbackHost(`${a}.${b}.${c}.${d}`) === (a === 127)));
  });

  it('an IPv6 literal, however written and bracketed or not, is loopback exactly when it is ::1 or mapped 127.0.0.0/8', () => {
    fc.assert(
      fc.property(ipv6Text, fc.boolean(), ({ groups, text }, brackets) => {
        expect(isIP(text)).toBe(6);
        expect(isLoopbackHost(brackets ? `[${text}]` : text)).toBe(loopbackGroups(groups));
      }),
    );
  });

  it('no zone id makes an address loopback', () => {
    fc.assert(fc.property(ipv6Text, fc.stringMatching(/^[a-z0-9]{1,8}$/), ({ text }, zone) => !isLoopbackHost(`${text}%${zone}`)));
  });

  it('a name that is not an IP literal is never loopback unless it is exactly "localhost"', () => {
    const names = fc.oneof(
      fc.domain(),
      fc.string(),
      fc.domain().map((d) => `${d}.localhost`),
      fc.stringMatching(/^[a-z0-9-]{1,20}$/).map((label) => `${label}.localhost`),
      ipv4.map(([a, b, c, d]) => `${a}.${b}.${c}.${d}.nip.io`),
      ipv4.map(([a, b, c, d]) => `${a}.${b}.${c}.${d}.`),
      fc.mixedCase(fc.constant('localhost')),
    );
    fc.assert(
      fc.property(names, (name) => {
        fc.pre(name !== 'localhost' && isIP(name) === 0 && isIP(name.replace(/^\[(.*)\]$/, '$1')) === 0);
        return !isLoopbackHost(name);
      }),
    );
  });

  it('the guard decides every IP literal without a lookup', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(ipv4.map((q) => q.join('.')), ipv6Text.map((v) => v.text)), async (host) => {
        const attempt = assertSafeToListen({ CADENZA_HOST: host, CADENZA_API_KEYS: [], CADENZA_ALLOW_UNAUTHENTICATED: false }, noLookup);
        if (isLoopbackHost(host)) await expect(attempt).resolves.toBeUndefined();
        else await expect(attempt).rejects.toThrow(UnsafeListenAddressError);
      }),
    );
  });
});

describe('isLoopbackHost: named cases', () => {
  const loopback = ['127.0.0.1', '127.1.2.3', '127.255.255.255', 'localhost', '::1', '[::1]', '0:0:0:0:0:0:0:1', '0::1', '::0:1',
    '::ffff:127.0.0.1', '::FFFF:127.0.0.1', '::ffff:7f00:1', '[::ffff:7f00:1]', '0:0:0:0:0:ffff:7f00:0001'];
  const notLoopback = [
    ['0.0.0.0', 'every IPv4 interface'],
    ['::', 'every interface'],
    ['0:0:0:0:0:0:0:0', 'every interface'],
    ['[::]', 'every interface'],
    ['192.168.1.10', 'private'],
    ['10.0.0.1', 'private'],
    ['128.0.0.1', 'next to 127/8'],
    ['126.255.255.255', 'next to 127/8'],
    ['example.com', 'a name'],
    ['api.localhost', 'a name under .localhost: resolved by DNS like any other'],
    ['foo.localhost', 'idem'],
    ['localhost.', 'the fully qualified form is a different lookup'],
    ['LOCALHOST', 'not exactly "localhost"'],
    [' localhost', 'not exactly "localhost"'],
    ['127.0.0.1.nip.io', 'a public DNS name that happens to answer 127.0.0.1'],
    ['localtest.me', 'idem'],
    ['127.1', 'inet_aton shorthand, not a literal net.isIP reads'],
    ['0x7f.0.0.1', 'inet_aton hex'],
    ['0177.0.0.1', 'inet_aton octal'],
    ['2130706433', 'inet_aton integer'],
    ['0', 'inet_aton for 0.0.0.0'],
    ['127.0.0.01', 'leading zero'],
    ['::1%lo', 'a zone id'],
    ['::127.0.0.1', 'IPv4-compatible, deprecated, not loopback'],
    ['::ffff:0:127.0.0.1', 'IPv4-translated, not loopback'],
    ['::ffff:128.0.0.1', 'mapped, not 127/8'],
    ['[127.0.0.1]', 'brackets are for IPv6'],
    ['::2', 'not ::1'],
    ['', 'empty'],
  ] as const;

  it.each(loopback)('%s is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each(notLoopback)('%s is not loopback (%s)', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });

  it('isLoopbackAddress takes IP literals only: no name, no brackets', () => {
    expect(isLoopbackAddress('127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('::1')).toBe(true);
    expect(isLoopbackAddress('localhost')).toBe(false);
    expect(isLoopbackAddress('[::1]')).toBe(false);
  });
});

describe('assertSafeToListen', () => {
  const without = (host: string) => ({ CADENZA_HOST: host, CADENZA_API_KEYS: [], CADENZA_ALLOW_UNAUTHENTICATED: false });

  it('refuses a network address without keys in one line, unless keys or CADENZA_ALLOW_UNAUTHENTICATED say otherwise', async () => {
    const refused = assertSafeToListen(loadConfig({ CADENZA_HOST: '0.0.0.0' }), noLookup);
    await expect(refused).rejects.toThrow(/^refusing to listen on 0\.0\.0\.0 without API keys: not a loopback host [^\n]+CADENZA_API_KEYS[^\n]+$/);
    await expect(assertSafeToListen(loadConfig({ CADENZA_HOST: '0.0.0.0' }), noLookup)).rejects.toBeInstanceOf(ConfigError);
    await expect(assertSafeToListen(loadConfig({}), noLookup)).resolves.toBeUndefined();
    await expect(assertSafeToListen(loadConfig({ CADENZA_HOST: '0.0.0.0', CADENZA_API_KEYS: JSON.stringify([alice]) }), noLookup)).resolves.toBeUndefined();
    await expect(assertSafeToListen(loadConfig({ CADENZA_HOST: '0.0.0.0', CADENZA_ALLOW_UNAUTHENTICATED: 'true' }), noLookup)).resolves.toBeUndefined();
    expect(() => loadConfig({ CADENZA_ALLOW_UNAUTHENTICATED: 'yes' })).toThrow(/CADENZA_ALLOW_UNAUTHENTICATED="yes"/);
  });

  it('refuses names that merely look local, without resolving them', async () => {
    for (const host of ['api.localhost', '127.0.0.1.nip.io', 'localhost.', '127.1']) {
      await expect(assertSafeToListen(without(host), noLookup)).rejects.toThrow(`refusing to listen on ${host} without API keys: not a loopback host`);
    }
  });

  it('accepts "localhost" only when every address it resolves to is loopback', async () => {
    await expect(assertSafeToListen(without('localhost'), resolvesTo('127.0.0.1', '::1'))).resolves.toBeUndefined();
    await expect(assertSafeToListen(without('localhost'), resolvesTo('127.0.0.1', '10.0.0.5'))).rejects.toThrow(
      /^refusing to listen on localhost without API keys: it resolves to 10\.0\.0\.5, not loopback; /,
    );
    await expect(assertSafeToListen(without('localhost'), resolvesTo('0.0.0.0'))).rejects.toThrow('it resolves to 0.0.0.0, not loopback');
    await expect(assertSafeToListen(without('localhost'), resolvesTo())).rejects.toThrow('it resolves to no address');
    const broken: ResolveAll = () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND localhost'), { code: 'ENOTFOUND' }));
    await expect(assertSafeToListen(without('localhost'), broken)).rejects.toThrow('it does not resolve (ENOTFOUND)');
  });

  it('resolves "localhost" with the system resolver by default (loopback on this machine)', async () => {
    await expect(assertSafeToListen(without('localhost'))).resolves.toBeUndefined();
  });
});
