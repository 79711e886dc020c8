/**
 * Who may send a NATS command. Two layers (docs/events.md): NATS itself (which users may publish on
 * `<p>.commands.>`: the server's accounts and permissions), and Cadenza's API keys, the same store
 * and permissions as REST, presented in a message header `Authorization: Bearer <key>` (or
 * `X-API-Key: <key>`; header names in any case). Without configured keys every command runs as `anonymous`, which is only
 * allowed when NATS is on loopback (or CADENZA_ALLOW_UNAUTHENTICATED says so), like the REST API.
 */
import type { MsgHdrs } from '@nats-io/transport-node';
import { anonymousPrincipal, type ApiKeyRegistry, type Principal } from '../auth/api-key-registry';
import { isLoopbackHost } from '../auth/listen-guard';
import { Permission } from '../auth/permissions';
import { bearerKey, presentedKey } from '../auth/presented-key';
import { Forbidden, Unauthenticated } from '../errors/problems';
import { ConfigError } from '../config';
import { headerValues } from './command-body';
import { redactNatsUrl } from './nats-credentials';
import { CommandName } from './subjects';

/** The permission each command needs: the one its REST endpoint needs. */
export const commandPermission: Readonly<Record<CommandName, Permission>> = {
  [CommandName.Trigger]: Permission.ExecutionsTrigger,
  [CommandName.Pause]: Permission.ExecutionPause,
  [CommandName.Resume]: Permission.ExecutionResume,
  [CommandName.Cancel]: Permission.ExecutionCancel,
  [CommandName.TaskResume]: Permission.ExecutionResume,
  [CommandName.Decide]: Permission.ApprovalsDecide,
};

/** The caller of a command message; throws `Unauthenticated` / `Forbidden` problems like REST. */
export function authorizeCommand(keys: ApiKeyRegistry, headers: MsgHdrs | undefined, command: CommandName): Principal {
  return authorizeMessage(keys, headers, commandPermission[command]);
}

/** The caller of a message that needs `permission` (commands, events in). */
export function authorizeMessage(keys: ApiKeyRegistry, headers: MsgHdrs | undefined, permission: Permission): Principal {
  const principal = keys.enabled ? authenticate(keys, headers) : anonymousPrincipal;
  if (!principal.permissions.has(permission)) throw new Forbidden(principal.name, permission);
  return principal;
}

function authenticate(keys: ApiKeyRegistry, headers: MsgHdrs | undefined): Principal {
  const presented = presentedKey(bearerKey(single(headers, 'Authorization')), single(headers, 'X-API-Key'));
  if (presented === undefined) throw new Unauthenticated('send an API key in a message header: "Authorization: Bearer <key>" or "X-API-Key: <key>"');
  const principal = keys.authenticate(presented);
  if (principal === undefined) throw new Unauthenticated('the API key is not valid');
  return principal;
}

/** The one value of header `name` (any case); two different ones are refused, as REST does. */
function single(headers: MsgHdrs | undefined, name: string): string | undefined {
  const values = headerValues(headers, name);
  if (values.length > 1) throw new Unauthenticated(`send one ${name} header`);
  return values[0];
}

/**
 * Refuses (one-line `ConfigError`) to take commands from a NATS server off loopback when no API
 * keys are configured: anyone able to publish there could run everything as `anonymous`.
 */
export function assertCommandsSafe(config: { NATS_URL: readonly string[]; CADENZA_API_KEYS: readonly unknown[]; CADENZA_ALLOW_UNAUTHENTICATED: boolean }): void {
  if (config.CADENZA_API_KEYS.length > 0 || config.CADENZA_ALLOW_UNAUTHENTICATED) return;
  const remote = config.NATS_URL.map(hostOf).filter((host) => !isLoopbackHost(host));
  if (remote.length === 0) return;
  throw new ConfigError(
    `refusing to take NATS commands from ${remote.join(', ')} without API keys: set CADENZA_API_KEYS (commands then carry ` +
      '"Authorization: Bearer <key>"), or use a loopback NATS_URL (CADENZA_ALLOW_UNAUTHENTICATED=true only when NATS accounts restrict who may publish commands)',
  );
}

function hostOf(url: string): string {
  const withScheme = url.includes('://') ? url : `nats://${url}`;
  try {
    return new URL(withScheme.replace(/^(nats|tls):/, 'http:')).hostname;
  } catch {
    // Shown in the refusal: never with its credentials.
    return redactNatsUrl(url);
  }
}
