/**
 * The API never serves an open (keyless) API to a network (DESIGN §7): without keys it listens on
 * loopback only, unless the operator explicitly says the port is not reachable from outside.
 */
import { isIP } from 'node:net';
import { type Config, ConfigError } from '../../config';

/** `localhost`, `127.0.0.0/8`, `::1` (bracketed or not) and IPv4-mapped loopback. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(h);
  return false;
}

/** Throws a one-line `ConfigError` when the API would listen on a network without keys. */
export function assertSafeToListen(config: Pick<Config, 'CADENZA_HOST' | 'CADENZA_API_KEYS' | 'CADENZA_ALLOW_UNAUTHENTICATED'>): void {
  if (config.CADENZA_API_KEYS.length > 0 || config.CADENZA_ALLOW_UNAUTHENTICATED || isLoopbackHost(config.CADENZA_HOST)) return;
  throw new ConfigError(
    `refusing to listen on ${config.CADENZA_HOST} without API keys: set CADENZA_API_KEYS, or CADENZA_HOST=127.0.0.1 ` +
      '(CADENZA_ALLOW_UNAUTHENTICATED=true only when the port is published on loopback)',
  );
}
