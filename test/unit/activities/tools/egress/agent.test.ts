/**
 * The egress agents: the policy applies to the address a connection really uses. A resolver stub
 * plays DNS (names that do not exist answer 127.0.0.1), so only a local server on 127.0.0.1 is
 * ever contacted.
 */
import { createServer, request, type Agent, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEgressAgents, egressDenialOf, type ResolveHost } from '../../../../../src/activities/tools/egress/agent';
import { EgressDeniedError, EgressList, EgressPolicy } from '../../../../../src/activities/tools/egress/policy';
import { parseEgressRules } from '../../../../../src/activities/tools/egress/rules';

const policy = (allow: string, deny: string) => new EgressPolicy({ allow: parseEgressRules(allow), deny: parseEgressRules(deny) });

let server: Server;
let port: number;
const seen: string[] = [];
const lookups: string[] = [];

/** Every name resolves to 127.0.0.1, the way a rebinding DNS server would answer. */
const toLoopback: ResolveHost = (host, _options, callback) => {
  lookups.push(host);
  callback(null, [{ address: '127.0.0.1', family: 4 }]);
};

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.headers.host} ${req.url}`);
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
  seen.length = 0;
  lookups.length = 0;
});

function get(host: string, agent: Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/probe', agent }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('egress agents', () => {
  it('connect to the address the checked lookup returned (a name that exists nowhere reaches 127.0.0.1)', async () => {
    const agents = createEgressAgents(policy('service.test', ''), toLoopback);
    await expect(get('service.test', agents.http)).resolves.toBe('ok');
    expect(lookups).toEqual(['service.test']);
    expect(seen).toEqual([`service.test:${port} /probe`]);
  });

  it('refuse at connect time when the resolved address is denied, before any byte is sent', async () => {
    const agents = createEgressAgents(policy('*.test', 'private'), toLoopback);
    const error: unknown = await get('rebind.test', agents.http).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EgressDeniedError);
    expect(error).toMatchObject({ host: 'rebind.test', address: '127.0.0.1', list: EgressList.Deny, rule: 'private (127.0.0.0/8)' });
    expect((error as Error).message).toBe('egress to rebind.test (127.0.0.1) is denied by CADENZA_HTTP_DENY: private (127.0.0.0/8)');
    expect(lookups).toEqual(['rebind.test']);
    expect(seen).toEqual([]);
  });

  it('refuse a denied name without resolving it', async () => {
    const agents = createEgressAgents(policy('', 'blocked.test'), toLoopback);
    const error: unknown = await get('blocked.test', agents.http).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'EgressDeniedError', host: 'blocked.test', address: undefined, rule: 'blocked.test' });
    expect(lookups).toEqual([]);
    expect(seen).toEqual([]);
  });

  it('refuse an IP literal outside the allow list without a lookup', async () => {
    const agents = createEgressAgents(policy('service.test', ''), toLoopback);
    const error: unknown = await get('127.0.0.1', agents.http).catch((e: unknown) => e);
    expect(error).toMatchObject({ host: '127.0.0.1', list: EgressList.Allow, rule: 'matches none of service.test' });
    expect(seen).toEqual([]);
  });

  it('let everything through with no rule', async () => {
    const agents = createEgressAgents(EgressPolicy.open, toLoopback);
    await expect(get('127.0.0.1', agents.http)).resolves.toBe('ok');
    await expect(get('anything.test', agents.http)).resolves.toBe('ok');
  });

  it('with "private" denied, also refuse what request-filtering-agent classifies as non-public (TEST-NET 192.0.2.0/24)', async () => {
    // 192.0.2.0/24 is not in the "private" list; request-filtering-agent (ipaddr.js) calls it reserved.
    const agents = createEgressAgents(policy('', 'private'), toLoopback);
    const refused = await new Promise<Error | null>((resolve) => {
      const socket = agents.http.createConnection({ host: '192.0.2.1', port: 9 }, (error) => resolve(error));
      // Had it not been refused on the spot, it would be connecting: stop that at once.
      socket.destroy();
      setImmediate(() => resolve(null));
    });
    expect(refused).toBeInstanceOf(Error);
    const denial = egressDenialOf(refused);
    expect(denial).toBeInstanceOf(EgressDeniedError);
    expect(denial).toMatchObject({ host: '192.0.2.1', address: '192.0.2.1', list: EgressList.Deny });
    expect(denial?.rule).toMatch(/^private \(request-filtering-agent: .*private IP address\)$/);
  });
});

describe('egressDenialOf', () => {
  it('finds a denial in the cause chain, and nothing in other errors', () => {
    const denial = new EgressDeniedError('a.test', '10.0.0.1', EgressList.Deny, '10.0.0.0/8');
    expect(egressDenialOf(new Error('wrapped', { cause: denial }))).toBe(denial);
    expect(egressDenialOf(new Error('connect ECONNREFUSED 127.0.0.1:9'))).toBeUndefined();
    expect(egressDenialOf('not an error')).toBeUndefined();
  });

  it('reads request-filtering-agent refusals of a resolved name', () => {
    const denial = egressDenialOf(new Error('DNS lookup 10.0.0.1(family:4, host:db.test) is not allowed. Because, It is private IP address.'));
    expect(denial).toMatchObject({ host: 'db.test', address: '10.0.0.1', list: EgressList.Deny, rule: 'private (request-filtering-agent: It is private IP address)' });
  });
});
