/**
 * The agents the `http` tool connects through: request-filtering-agent's `http.Agent`s, which check
 * the address a connection actually uses (after DNS, IP literals too), extended with the egress
 * policy. For every new connection:
 * 1. the URL's host is checked (`EgressPolicy.checkHost`): host rules, and IP literals in full;
 * 2. the host is resolved by a lookup that checks every address against the policy's networks
 *    (`EgressPolicy.checkAddress`); the socket connects to exactly what this lookup returned, so a
 *    second, different DNS answer (rebinding) never reaches a connection unchecked;
 * 3. request-filtering-agent then checks the same addresses itself: with `private` denied, every
 *    address ipaddr.js does not classify as public unicast is refused too (a backstop wider than
 *    the `private` list); otherwise it lets everything through.
 * Its own allow/deny CIDR lists are not used: its allow list overrides its deny list (ours must not),
 * it cannot say "only these", and it logs a warning for every IPv4/IPv6 mismatch in a mixed list.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { type LookupFunction, Socket, type TcpNetConnectOpts } from 'node:net';
import type { Duplex } from 'node:stream';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';
import { EgressDeniedError, EgressList, type EgressPolicy } from './policy';
import { PRIVATE_KEYWORD } from './rules';

/** Resolves every address of a host, as `dns.lookup(host, {all: true})` does (tests inject one). */
export type ResolveHost = (host: string, options: LookupOptions, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

const systemResolve: ResolveHost = (host, options, callback) => dnsLookup(host, { ...options, all: true }, callback);

/** One agent per protocol, both enforcing the same policy. */
export interface EgressAgents {
  http: RequestFilteringHttpAgent;
  https: RequestFilteringHttpsAgent;
}

type ConnectionListener = (error: Error | null, socket: Duplex) => void;

/** Builds the agents for `policy`; `resolve` replaces the system resolver (tests). */
export function createEgressAgents(policy: EgressPolicy, resolve: ResolveHost = systemResolve): EgressAgents {
  const filtering = { allowPrivateIPAddress: !policy.deniesPrivate, allowMetaIPAddress: !policy.deniesPrivate };
  const lookup = policyLookup(policy, resolve);

  class EgressHttpAgent extends RequestFilteringHttpAgent {
    override createConnection(options: TcpNetConnectOpts, listener?: ConnectionListener): Duplex | Socket {
      return refusedSocket(policy, options, listener) ?? super.createConnection({ ...options, lookup }, listener);
    }
  }
  class EgressHttpsAgent extends RequestFilteringHttpsAgent {
    override createConnection(options: TcpNetConnectOpts, listener?: ConnectionListener): Duplex | Socket {
      return refusedSocket(policy, options, listener) ?? super.createConnection({ ...options, lookup }, listener);
    }
  }
  return { http: new EgressHttpAgent(filtering), https: new EgressHttpsAgent(filtering) };
}

/**
 * The policy's refusal behind a connection error: an `EgressDeniedError` from our checks, or
 * request-filtering-agent's own refusal (a plain `Error`, recognised by its message), else undefined.
 */
export function egressDenialOf(error: unknown): EgressDeniedError | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof EgressDeniedError) return e;
    const filtered = /^DNS lookup (\S+)\(family:[^,]*, host:(.*)\) is not allowed\. Because,? (.*)$/.exec(e.message);
    if (filtered) {
      const [, address = '', host = '', reason = ''] = filtered;
      const named = host === 'undefined' || host === '' ? address : host;
      return new EgressDeniedError(named, address, EgressList.Deny, `${PRIVATE_KEYWORD} (request-filtering-agent: ${reason.replace(/\.$/, '')})`);
    }
  }
  return undefined;
}

/** The host check, before any socket exists: a refused host gets a socket that only carries the error. */
function refusedSocket(policy: EgressPolicy, options: TcpNetConnectOpts, listener?: ConnectionListener): Socket | undefined {
  const host = options.host ?? 'localhost';
  const decision = policy.checkHost(host);
  if (decision.allowed) return undefined;
  const error = new EgressDeniedError(host, undefined, decision.list, decision.rule);
  const socket = new Socket();
  // As request-filtering-agent does: the agent's callback takes the error; without one, the socket.
  if (listener) listener(error, socket);
  else socket.destroy(error);
  return socket;
}

/** A `lookup` for `net.connect` that answers only with addresses the policy allows. */
function policyLookup(policy: EgressPolicy, resolve: ResolveHost): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, options, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const first = addresses[0];
      if (first === undefined) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
      for (const { address } of addresses) {
        const decision = policy.checkAddress(hostname, address);
        if (!decision.allowed) return callback(new EgressDeniedError(hostname, address, decision.list, decision.rule), '', 0);
      }
      if (options.all) callback(null, addresses);
      else callback(null, first.address, first.family);
    });
  };
}
