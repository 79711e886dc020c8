/**
 * Parsing the egress lists (`CADENZA_HTTP_ALLOW`, `CADENZA_HTTP_DENY`) and their configuration
 * errors: one line naming the variable and the bad entry.
 */
import fc from 'fast-check';
import { EgressRuleError, parseEgressRule, parseEgressRules } from '../../../../../src/activities/tools/egress/rules';
import { ConfigError, loadConfig } from '../../../../../src/config';

describe('parseEgressRule', () => {
  it.each([
    ['example.com', { kind: 'host', host: 'example.com' }],
    ['API.Example.COM.', { kind: 'host', host: 'api.example.com' }],
    ['bücher.de', { kind: 'host', host: 'xn--bcher-kva.de' }],
    ['localhost', { kind: 'host', host: 'localhost' }],
    ['*.example.com', { kind: 'wildcard', suffix: '.example.com' }],
    ['*.Internal', { kind: 'wildcard', suffix: '.internal' }],
    ['private', { kind: 'private' }],
    ['PRIVATE', { kind: 'private' }],
    ['10.0.0.0/8', { kind: 'network', network: { address: '10.0.0.0', prefix: 8, family: 'ipv4' } }],
    ['0.0.0.0/0', { kind: 'network', network: { address: '0.0.0.0', prefix: 0, family: 'ipv4' } }],
    ['169.254.169.254', { kind: 'network', network: { address: '169.254.169.254', prefix: 32, family: 'ipv4' } }],
    ['fd00:ec2::254', { kind: 'network', network: { address: 'fd00:ec2::254', prefix: 128, family: 'ipv6' } }],
    ['[::1]', { kind: 'network', network: { address: '::1', prefix: 128, family: 'ipv6' } }],
    ['fc00::/7', { kind: 'network', network: { address: 'fc00::', prefix: 7, family: 'ipv6' } }],
    ['::/0', { kind: 'network', network: { address: '::', prefix: 0, family: 'ipv6' } }],
  ])('%s is %j', (text, expected) => {
    expect(parseEgressRule(text)).toMatchObject({ ...expected, text });
  });

  it.each([
    ['10.0.0.0/33', 'the prefix length must be a number from 0 to 32'],
    ['fc00::/129', 'the prefix length must be a number from 0 to 128'],
    ['10.0.0.0/', 'the prefix length must be a number'],
    ['10.0.0.0/x', 'the prefix length must be a number'],
    ['10.0.0.0/-1', 'the prefix length must be a number'],
    ['10.0.0/8', 'is not a CIDR'],
    ['example.com/8', 'is not a CIDR'],
    ['10.0.0.0/8/9', 'is not a CIDR'],
    ['fe80::1%eth0/64', 'is not a CIDR'],
    ['fe80::1%eth0', 'is not a host name'],
    ['http://example.com', 'is not a host name'],
    ['example.com:443', 'is not a host name'],
    ['*example.com', 'is not a host name'],
    ['foo.*.com', 'is not a host name'],
    ['*.', 'is not a host name'],
    ['a b.com', 'is not a host name'],
    ['-bad.com', 'is not a host name'],
    ['user@example.com', 'is not a host name'],
    ['127.1', 'write IPv4 addresses as four decimal numbers'],
    ['0x7f.0.0.1', 'write IPv4 addresses as four decimal numbers'],
    ['2130706433', 'write IPv4 addresses as four decimal numbers'],
    ['999.1.1.1', 'is not a host name'],
  ])('%s is refused (%s)', (text, message) => {
    expect(() => parseEgressRule(text)).toThrow(EgressRuleError);
    expect(() => parseEgressRule(text)).toThrow(message);
  });

  it('parses every well-formed CIDR and refuses every out-of-range prefix', () => {
    const octet = fc.integer({ min: 0, max: 255 });
    fc.assert(
      fc.property(fc.tuple(octet, octet, octet, octet), fc.integer({ min: 0, max: 40 }), (quad, prefix) => {
        const text = `${quad.join('.')}/${prefix}`;
        if (prefix <= 32) expect(parseEgressRule(text)).toMatchObject({ kind: 'network', network: { prefix, family: 'ipv4' } });
        else expect(() => parseEgressRule(text)).toThrow(EgressRuleError);
      }),
    );
    fc.assert(
      fc.property(fc.ipV6(), fc.integer({ min: 0, max: 140 }), (address, prefix) => {
        const text = `${address}/${prefix}`;
        if (prefix <= 128) expect(parseEgressRule(text)).toMatchObject({ kind: 'network', network: { address, prefix, family: 'ipv6' } });
        else expect(() => parseEgressRule(text)).toThrow(EgressRuleError);
      }),
    );
  });

  it('takes every domain name as a host rule and its "*." form as a wildcard', () => {
    fc.assert(
      fc.property(fc.domain(), (domain) => {
        expect(parseEgressRule(domain)).toMatchObject({ kind: 'host', host: domain.toLowerCase() });
        expect(parseEgressRule(`*.${domain}`)).toMatchObject({ kind: 'wildcard', suffix: `.${domain.toLowerCase()}` });
      }),
    );
  });
});

describe('parseEgressRules', () => {
  it('splits on commas, trims, skips blanks', () => {
    expect(parseEgressRules(' private , ,*.example.com,10.0.0.0/8,, ').map((r) => r.kind)).toEqual(['private', 'wildcard', 'network']);
    expect(parseEgressRules('')).toEqual([]);
  });
});

describe('configuration', () => {
  it('parses the lists and the response cap, with their defaults', () => {
    const config = loadConfig({ CADENZA_HTTP_ALLOW: 'api.example.com,*.example.org', CADENZA_HTTP_DENY: 'private', CADENZA_HTTP_MAX_RESPONSE_BYTES: '2048' });
    expect(config.CADENZA_HTTP_ALLOW.map((r) => r.text)).toEqual(['api.example.com', '*.example.org']);
    expect(config.CADENZA_HTTP_DENY).toEqual([{ kind: 'private', text: 'private' }]);
    expect(config.CADENZA_HTTP_MAX_RESPONSE_BYTES).toBe(2048);
    const defaults = loadConfig({});
    expect(defaults.CADENZA_HTTP_ALLOW).toEqual([]);
    expect(defaults.CADENZA_HTTP_DENY).toEqual([]);
    expect(defaults.CADENZA_HTTP_MAX_RESPONSE_BYTES).toBe(512 * 1024);
  });

  it.each([
    [{ CADENZA_HTTP_DENY: 'private,10.0.0.0/33' }, /^invalid configuration: CADENZA_HTTP_DENY="private,10\.0\.0\.0\/33": "10\.0\.0\.0\/33": the prefix length must be a number from 0 to 32$/],
    [{ CADENZA_HTTP_ALLOW: 'https://api.example.com' }, /^invalid configuration: CADENZA_HTTP_ALLOW="https:\/\/api\.example\.com": "https:\/\/api\.example\.com" is not a host name/],
    [{ CADENZA_HTTP_MAX_RESPONSE_BYTES: '0' }, /^invalid configuration: CADENZA_HTTP_MAX_RESPONSE_BYTES="0": must be at least 1$/],
    [{ CADENZA_HTTP_MAX_RESPONSE_BYTES: '1.5' }, /^invalid configuration: CADENZA_HTTP_MAX_RESPONSE_BYTES="1\.5": must be a whole number of bytes$/],
    [{ CADENZA_HTTP_MAX_RESPONSE_BYTES: '1MiB' }, /^invalid configuration: CADENZA_HTTP_MAX_RESPONSE_BYTES="1MiB": /],
  ])('refuses %j in one line', (env, message) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });
});
