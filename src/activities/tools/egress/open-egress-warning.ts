/**
 * The startup warning for an API reachable from a network while the `http` tool may reach
 * anything: a workflow author (or a triggerer whose input lands in a URL) could then make workers
 * call loopback services, private networks or a cloud metadata endpoint.
 */
import { isLoopbackHost } from '../../../auth/listen-guard';
import type { Config } from '../../../config';
import { EgressList } from './policy';

/** The warning to log, or undefined when the API is on loopback or an egress policy is set. */
export function openEgressWarning(config: Pick<Config, 'CADENZA_HOST' | 'CADENZA_HTTP_ALLOW' | 'CADENZA_HTTP_DENY'>): string | undefined {
  if (isLoopbackHost(config.CADENZA_HOST)) return undefined;
  if (config.CADENZA_HTTP_ALLOW.length > 0 || config.CADENZA_HTTP_DENY.length > 0) return undefined;
  return (
    `the API listens on ${config.CADENZA_HOST} but the http tool has no egress policy (${EgressList.Allow} and ${EgressList.Deny} are unset): ` +
    `tasks can reach every address the workers can, loopback, private networks and cloud metadata included; ` +
    `set ${EgressList.Deny}=private (and ${EgressList.Allow} for the hosts tasks need) in the workers' environment`
  );
}
