/**
 * The API never serves an open (keyless) API to a network (docs/design.md §7): without keys it listens on
 * loopback only, unless the operator explicitly says the port is not reachable from outside.
 *
 * Loopback is decided on the literal text of the host, never guessed from how a name looks:
 * - an IPv4 literal in dotted-quad form (as `net.isIP` reads it) in 127.0.0.0/8;
 * - an IPv6 literal, bare or in brackets, equal to `::1` in any spelling (`0:0:0:0:0:0:0:1`,
 *   `0::1`), or IPv4-mapped loopback in any spelling (`::ffff:127.0.0.1`, `::FFFF:7f00:1`);
 * - exactly `localhost`, which `assertSafeToListen` resolves: the server binds every address it
 *   resolves to, so every one of them must be loopback.
 *
 * Nothing else counts: `0.0.0.0` and `::` (every interface); any other name, however it looks
 * (`api.localhost`, `127.0.0.1.nip.io`, `localhost.`, `LOCALHOST`), because a resolver may send it
 * anywhere; inet_aton shorthands (`127.1`, `0x7f.0.0.1`, `2130706433`; `0` would mean `0.0.0.0`);
 * IPv6 zone ids (`::1%lo`); IPv4-compatible `::127.0.0.1` and translated `::ffff:0:127.0.0.1`
 * (not loopback addresses at all). A refusal only costs the operator an explicit setting.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { type Config, ConfigError } from '../config';

/** The only host name that may count as loopback; the listen guard checks what it resolves to. */
export const LOCALHOST = 'localhost';

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
// BlockList matches IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) against the IPv4 rules too.
loopback.addAddress('::1', 'ipv6');

/** Thrown when the API would listen on a network without keys; its message is the one line to print. */
export class UnsafeListenAddressError extends ConfigError {
  override name = 'UnsafeListenAddressError';
}

/** Whether `address` is an IP literal (no brackets, no zone id) of a loopback address. */
export function isLoopbackAddress(address: string): boolean {
  if (address.includes('%')) return false;
  const family = isIP(address);
  if (family === 4) return loopback.check(address, 'ipv4');
  if (family === 6) return loopback.check(address, 'ipv6');
  return false;
}

/**
 * Whether `host` (as written in a setting or a URL's hostname) is loopback: a loopback IP literal
 * (IPv6 optionally in brackets), or exactly `localhost` taken on the resolver's word; callers that
 * bind to it must check what it resolves to, as `assertSafeToListen` does.
 */
export function isLoopbackHost(host: string): boolean {
  if (host === LOCALHOST) return true;
  const bracketed = /^\[(.*)\]$/.exec(host);
  if (bracketed) return isIP(bracketed[1] ?? '') === 6 && isLoopbackAddress(bracketed[1] ?? '');
  return isLoopbackAddress(host);
}

/** Every address a host name resolves to, as the server's listen would resolve it. */
export type ResolveAll = (host: string) => Promise<string[]>;

const resolveAll: ResolveAll = async (host) => (await lookup(host, { all: true })).map((entry) => entry.address);

/**
 * Throws a one-line `UnsafeListenAddressError` when the API would listen on a network without keys.
 * `localhost` is resolved (with `resolve`, default `dns.lookup`) and accepted only when every address
 * is loopback.
 */
export async function assertSafeToListen(
  config: Pick<Config, 'CADENZA_HOST' | 'CADENZA_API_KEYS' | 'CADENZA_ALLOW_UNAUTHENTICATED'>,
  resolve: ResolveAll = resolveAll,
): Promise<void> {
  if (config.CADENZA_API_KEYS.length > 0 || config.CADENZA_ALLOW_UNAUTHENTICATED) return;
  const host = config.CADENZA_HOST;
  if (host !== LOCALHOST) {
    if (isLoopbackHost(host)) return;
    throw refusal(host, 'not a loopback host (only 127.0.0.0/8, ::1 and "localhost" are)');
  }
  let addresses: string[];
  try {
    addresses = await resolve(host);
  } catch (error) {
    throw refusal(host, `it does not resolve (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const outside = addresses.filter((address) => !isLoopbackAddress(address));
  if (addresses.length > 0 && outside.length === 0) return;
  throw refusal(host, addresses.length === 0 ? 'it resolves to no address' : `it resolves to ${outside.join(', ')}, not loopback`);
}

function refusal(host: string, why: string): UnsafeListenAddressError {
  return new UnsafeListenAddressError(
    `refusing to listen on ${host} without API keys: ${why}; set CADENZA_API_KEYS, or CADENZA_HOST=127.0.0.1 ` +
      '(CADENZA_ALLOW_UNAUTHENTICATED=true only when the port is published on loopback)',
  );
}
