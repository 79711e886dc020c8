/**
 * Matching of the egress policy: host, wildcard and network rules, `private`, deny beats allow.
 */
import fc from 'fast-check';
import { EgressList, EgressPolicy } from '../../../../../src/activities/tools/egress/policy';
import { parseEgressRules } from '../../../../../src/activities/tools/egress/rules';

const policy = (allow: string, deny: string) => new EgressPolicy({ allow: parseEgressRules(allow), deny: parseEgressRules(deny) });

const octet = fc.integer({ min: 0, max: 255 });
const quad = fc.tuple(octet, octet, octet, octet);
const dotted = (q: readonly number[]) => q.join('.');
const toInt = (q: readonly number[]) => q.reduce((n, o) => n * 256 + o, 0);
/** Whether two IPv4 addresses share their first `prefix` bits (the truth, on numbers). */
const samePrefix = (a: readonly number[], b: readonly number[], prefix: number) =>
  prefix === 0 || Math.floor(toInt(a) / 2 ** (32 - prefix)) === Math.floor(toInt(b) / 2 ** (32 - prefix));

describe('EgressPolicy: properties', () => {
  it('with no rule, every host and every address is allowed', () => {
    fc.assert(
      fc.property(fc.oneof(fc.domain(), quad.map(dotted)), fc.oneof(quad.map(dotted), fc.ipV6()), (host, address) => {
        expect(EgressPolicy.open.checkHost(host)).toEqual({ allowed: true });
        expect(EgressPolicy.open.checkAddress(host, address)).toEqual({ allowed: true });
      }),
    );
  });

  it('an IPv4 CIDR matches exactly the addresses that share its prefix', () => {
    fc.assert(
      fc.property(quad, fc.integer({ min: 0, max: 32 }), quad, (network, prefix, address) => {
        const p = policy('', `${dotted(network)}/${prefix}`);
        expect(p.checkAddress('any.example', dotted(address)).allowed).toBe(!samePrefix(network, address, prefix));
        expect(p.checkAddress('any.example', `::ffff:${dotted(address)}`).allowed).toBe(!samePrefix(network, address, prefix));
      }),
    );
  });

  it('deny beats allow: an address in a deny network is refused whatever the allow list says', () => {
    const allowEntries = fc.array(fc.oneof(fc.domain(), quad.map(dotted), fc.tuple(quad, fc.integer({ min: 0, max: 32 })).map(([q, p]) => `${dotted(q)}/${p}`), fc.constant('private')), { maxLength: 4 });
    fc.assert(
      fc.property(allowEntries, fc.domain(), quad, fc.integer({ min: 0, max: 32 }), (allow, host, address, prefix) => {
        const p = policy([...allow, host, `${dotted(address)}/32`].join(','), `${dotted(address)}/${prefix}`);
        expect(p.checkAddress(host, dotted(address))).toEqual({ allowed: false, list: EgressList.Deny, rule: `${dotted(address)}/${prefix}` });
        expect(p.checkHost(dotted(address)).allowed).toBe(false);
      }),
    );
  });

  it('deny beats allow for names too', () => {
    fc.assert(
      fc.property(fc.domain(), (host) => {
        const p = policy(`${host},*.${host}`, host);
        expect(p.checkHost(host)).toEqual({ allowed: false, list: EgressList.Deny, rule: host });
        expect(p.checkHost(`${host}.`).allowed).toBe(false);
        expect(p.checkHost(host.toUpperCase()).allowed).toBe(false);
        expect(p.checkHost(`www.${host}`).allowed).toBe(true);
      }),
    );
  });

  it('"*.domain" matches every name under the domain, at any depth, and nothing else', () => {
    const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
    fc.assert(
      fc.property(fc.domain(), fc.array(label, { minLength: 1, maxLength: 3 }), label, (domain, labels, glued) => {
        const p = policy('', `*.${domain}`);
        expect(p.checkHost(`${labels.join('.')}.${domain}`).allowed).toBe(false);
        expect(p.checkHost(domain).allowed).toBe(true);
        expect(p.checkHost(`${glued}${domain}`).allowed).toBe(true);
        expect(p.checkHost(`${domain}.${glued}`).allowed).toBe(true);
      }),
    );
  });

  it('with an allow list of names only, any other name is refused before it is resolved', () => {
    fc.assert(
      fc.property(fc.domain(), fc.domain(), (allowed, other) => {
        fc.pre(allowed.toLowerCase() !== other.toLowerCase());
        const p = policy(allowed, '');
        expect(p.checkHost(allowed)).toEqual({ allowed: true });
        expect(p.checkHost(other)).toEqual({ allowed: false, list: EgressList.Allow, rule: `matches none of ${allowed}` });
      }),
    );
  });
});

describe('EgressPolicy: named cases', () => {
  const denyPrivate = policy('', 'private');

  it.each([
    ['127.0.0.1', '127.0.0.0/8'],
    ['127.255.0.9', '127.0.0.0/8'],
    ['0.0.0.0', '0.0.0.0/8'],
    ['10.1.2.3', '10.0.0.0/8'],
    ['172.31.255.255', '172.16.0.0/12'],
    ['192.168.0.1', '192.168.0.0/16'],
    ['169.254.169.254', '169.254.0.0/16'],
    ['169.254.170.2', '169.254.0.0/16'],
    ['100.100.100.200', '100.64.0.0/10'],
    ['224.0.0.1', '224.0.0.0/4'],
    ['255.255.255.255', '240.0.0.0/4'],
    ['::1', '::1/128'],
    ['::', '::/128'],
    ['fd00:ec2::254', 'fc00::/7'],
    ['fe80::1', 'fe80::/10'],
    ['::ffff:127.0.0.1', '127.0.0.0/8'],
    ['::ffff:a9fe:a9fe', '169.254.0.0/16'],
    ['64:ff9b:1::a00:1', '64:ff9b:1::/48'],
  ])('"private" denies %s (%s)', (address, network) => {
    expect(denyPrivate.checkAddress('metadata.example', address)).toEqual({ allowed: false, list: EgressList.Deny, rule: `private (${network})` });
    expect(denyPrivate.checkHost(address).allowed).toBe(false);
  });

  it.each(['8.8.8.8', '1.1.1.1', '93.184.216.34', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('"private" allows %s', (address) => {
    expect(denyPrivate.checkAddress('public.example', address)).toEqual({ allowed: true });
  });

  it('an IPv6 network other than ::ffff:0:0/96 does not match IPv4 addresses', () => {
    const p = policy('', '::/0');
    expect(p.checkAddress('x.example', '8.8.8.8')).toEqual({ allowed: true });
    expect(p.checkAddress('x.example', '2001:db8::1').allowed).toBe(false);
    expect(policy('', '::ffff:10.0.0.0/104').checkAddress('x.example', '10.9.9.9').allowed).toBe(false);
  });

  it('an allowed name may resolve to any address not denied; an address rule admits any name', () => {
    const p = policy('api.example.com,10.20.0.0/16', '10.20.99.0/24');
    expect(p.checkHost('api.example.com')).toEqual({ allowed: true });
    expect(p.checkAddress('api.example.com', '203.0.113.7')).toEqual({ allowed: true });
    expect(p.checkAddress('api.example.com', '10.20.99.1')).toEqual({ allowed: false, list: EgressList.Deny, rule: '10.20.99.0/24' });
    // A name not in the list is decided on its addresses.
    expect(p.checkHost('db.internal')).toEqual({ allowed: true });
    expect(p.checkAddress('db.internal', '10.20.1.1')).toEqual({ allowed: true });
    expect(p.checkAddress('db.internal', '10.21.1.1')).toEqual({ allowed: false, list: EgressList.Allow, rule: 'matches none of api.example.com, 10.20.0.0/16' });
    // An IP literal is not a name: only address rules admit it.
    expect(p.checkHost('203.0.113.7').allowed).toBe(false);
    expect(p.checkHost('[::ffff:10.20.1.1]')).toEqual({ allowed: true });
  });

  it('a resolved private address is refused even for an allowed name when "private" is denied', () => {
    const p = policy('*.example.com', 'private');
    expect(p.checkHost('rebind.example.com')).toEqual({ allowed: true });
    expect(p.checkAddress('rebind.example.com', '127.0.0.1')).toEqual({ allowed: false, list: EgressList.Deny, rule: 'private (127.0.0.0/8)' });
  });

  it('knows whether it is configured and whether it denies "private"', () => {
    expect(EgressPolicy.open.configured).toBe(false);
    expect(policy('', 'private')).toMatchObject({ configured: true, deniesPrivate: true, restricted: false });
    expect(policy('example.com', '')).toMatchObject({ configured: true, deniesPrivate: false, restricted: true });
    expect(policy('private', '')).toMatchObject({ deniesPrivate: false, restricted: true });
  });
});
