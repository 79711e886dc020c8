/**
 * Credentials in `NATS_URL` (`nats://user:password@host:4222`, `nats://token@host:4222`): taken out of
 * the URLs and handed to the NATS client as options (it ignores a URL's user info), and never shown:
 * every log line, startup line and configuration error names the servers through `redactNatsUrl`, and
 * the NATS link scrubs its messages with `redactSecrets` in case a library echoes a URL.
 */

/** What `connect()` takes: servers without user info, and the credentials they carried. */
export interface NatsConnectOptions {
  servers: string[];
  user?: string;
  pass?: string;
  token?: string;
}

/** What stands in for a secret in text. */
export const REDACTED = '***';

interface Split {
  /** The URL without its user info. */
  server: string;
  /** `user:password` or `token`, still percent-encoded; undefined when there is none. */
  userinfo: string | undefined;
}

/** `nats://alice:pw@host:4222` → `{ server: 'nats://host:4222', userinfo: 'alice:pw' }` (the last `@` ends the user info). */
function split(url: string): Split {
  const trimmed = url.trim();
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(trimmed)?.[0] ?? '';
  const authority = trimmed.slice(scheme.length);
  const at = authority.lastIndexOf('@');
  if (at < 0) return { server: trimmed, userinfo: undefined };
  const userinfo = authority.slice(0, at);
  return { server: `${scheme}${authority.slice(at + 1)}`, userinfo: userinfo === '' ? undefined : userinfo };
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** Credentials of one user info: `user:password`, or a token. */
function credentialsOf(userinfo: string): Pick<NatsConnectOptions, 'user' | 'pass' | 'token'> {
  const colon = userinfo.indexOf(':');
  return colon < 0 ? { token: decode(userinfo) } : { user: decode(userinfo.slice(0, colon)), pass: decode(userinfo.slice(colon + 1)) };
}

/**
 * Connection options for `urls`. Servers that carry credentials must carry the same ones (the client
 * authenticates the same way to every server); those that carry none use them too.
 */
export function natsConnectOptions(urls: readonly string[]): NatsConnectOptions {
  const parts = urls.map(split);
  const userinfo = credentialsAgreeing(urls);
  return { servers: parts.map((p) => p.server), ...(userinfo === undefined ? {} : credentialsOf(userinfo)) };
}

/** The one user info `urls` carry (undefined for none); throws when two servers carry different ones. */
export function credentialsAgreeing(urls: readonly string[]): string | undefined {
  const distinct = [...new Set(urls.map((u) => split(u).userinfo).filter((u): u is string => u !== undefined))];
  if (distinct.length > 1) throw new Error('every server in NATS_URL must carry the same credentials (or none)');
  return distinct[0];
}

/** `nats://alice:pw@host:4222` → `nats://alice:***@host:4222`; a token → `nats://***@host:4222`. */
export function redactNatsUrl(url: string): string {
  const { server, userinfo } = split(url);
  if (userinfo === undefined) return url;
  const colon = userinfo.indexOf(':');
  const shown = colon < 0 ? REDACTED : `${userinfo.slice(0, colon)}:${REDACTED}`;
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(server)?.[0] ?? '';
  return `${scheme}${shown}@${server.slice(scheme.length)}`;
}

/** The servers of `urls` as they may be shown: `nats://alice:***@host:4222, nats://host2:4222`. */
export function describeNatsServers(urls: readonly string[]): string {
  return urls.map(redactNatsUrl).join(', ');
}

/** Every secret `urls` carry (passwords and tokens, raw and percent-decoded), for `redactSecrets`. */
export function natsSecrets(urls: readonly string[]): string[] {
  const secrets = new Set<string>();
  for (const url of urls) {
    const { userinfo } = split(url);
    if (userinfo === undefined) continue;
    const colon = userinfo.indexOf(':');
    const secret = colon < 0 ? userinfo : userinfo.slice(colon + 1);
    if (secret === '') continue;
    secrets.add(secret);
    secrets.add(decode(secret));
  }
  return [...secrets];
}

/** `text` with every occurrence of `secrets` replaced by `***`. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret !== '') out = out.split(secret).join(REDACTED);
  return out;
}

/** An error to log in place of `error`: its message (and a non-Error's text) with `secrets` redacted. */
export function redactError(error: unknown, secrets: readonly string[]): unknown {
  if (secrets.length === 0) return error;
  if (!(error instanceof Error)) return redactSecrets(typeof error === 'string' ? error : JSON.stringify(error) ?? String(error), secrets);
  const copy = new Error(redactSecrets(error.message, secrets));
  copy.name = error.name;
  if (error.stack !== undefined) copy.stack = redactSecrets(error.stack, secrets);
  return copy;
}
