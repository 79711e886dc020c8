/**
 * The `http` tool's egress policy: which destinations a request may connect to. Decided in two
 * steps, both applied by the connecting agent (`agent.ts`) to every connection, redirects included:
 * - `checkHost`, on the host of the URL before connecting: host and `*.domain` rules;
 * - `checkAddress`, on each address the host resolved to, at connect time (so DNS rebinding cannot
 *   slip past it): IP/CIDR rules and `private`.
 * A deny rule always wins. With no allow rule everything not denied is allowed; with allow rules a
 * destination must match one (its name a host rule, or its address a network rule).
 */
import { BlockList, isIP } from 'node:net';
import { type EgressRule, type IpNetwork, normalizeHostName, PRIVATE_KEYWORD, privateNetworks } from './rules';

/** The environment variables the lists come from; decisions and errors name them. */
export const EgressList = { Allow: 'CADENZA_HTTP_ALLOW', Deny: 'CADENZA_HTTP_DENY' } as const;
/** `CADENZA_HTTP_ALLOW` or `CADENZA_HTTP_DENY`. */
export type EgressList = (typeof EgressList)[keyof typeof EgressList];

/** What a check decided: allowed, or refused with the list and rule responsible. */
export type EgressDecision = { allowed: true } | { allowed: false; list: EgressList; rule: string };

/** A connection the policy refused; carries what the task error names. */
export class EgressDeniedError extends Error {
  override name = 'EgressDeniedError';

  constructor(
    /** The host of the URL. */
    readonly host: string,
    /** The address it resolved to, when the refusal happened at connect time. */
    readonly address: string | undefined,
    readonly list: EgressList,
    /** The rule that refused it, as written (or what was missing from the allow list). */
    readonly rule: string,
  ) {
    const where = address !== undefined && address !== host ? `${host} (${address})` : host;
    super(`egress to ${where} is denied by ${list}: ${rule}`);
  }
}

/** Both lists as parsed from the environment. */
export interface EgressLists {
  allow: readonly EgressRule[];
  deny: readonly EgressRule[];
}

interface NetworkMatcher {
  /** Names the match, e.g. `10.0.0.0/8` or `private (169.254.0.0/16)`. */
  label: string;
  matches(address: string, family: 'ipv4' | 'ipv6'): boolean;
}

const ipv4Mapped = new BlockList();
ipv4Mapped.addSubnet('::ffff:0:0', 96, 'ipv6');

const allowed: EgressDecision = { allowed: true };

/** A compiled policy; immutable. */
export class EgressPolicy {
  /** The policy when neither variable is set: everything is allowed. */
  static readonly open = new EgressPolicy({ allow: [], deny: [] });

  private readonly allowHosts: ReadonlySet<string>;
  private readonly allowSuffixes: readonly { suffix: string; text: string }[];
  private readonly allowNetworks: readonly NetworkMatcher[];
  private readonly denyHosts: ReadonlyMap<string, string>;
  private readonly denySuffixes: readonly { suffix: string; text: string }[];
  private readonly denyNetworks: readonly NetworkMatcher[];
  /** The allow list has entries. */
  readonly restricted: boolean;
  /** `private` is in the deny list (the agent then also refuses every non-unicast address). */
  readonly deniesPrivate: boolean;

  constructor(readonly lists: EgressLists) {
    this.allowHosts = new Set(lists.allow.flatMap((r) => (r.kind === 'host' ? [r.host] : [])));
    this.allowSuffixes = suffixes(lists.allow);
    this.allowNetworks = networks(lists.allow);
    this.denyHosts = new Map(lists.deny.flatMap((r) => (r.kind === 'host' ? [[r.host, r.text] as const] : [])));
    this.denySuffixes = suffixes(lists.deny);
    this.denyNetworks = networks(lists.deny);
    this.restricted = lists.allow.length > 0;
    this.deniesPrivate = lists.deny.some((r) => r.kind === 'private');
  }

  /** Whether any rule is configured. */
  get configured(): boolean {
    return this.lists.allow.length + this.lists.deny.length > 0;
  }

  /**
   * The decision on a URL's host before connecting. An IP literal is decided completely (it is the
   * address connected to); a name is refused by a deny host rule, or when no allow rule could admit
   * it whatever it resolves to.
   */
  checkHost(rawHost: string): EgressDecision {
    const host = normalizeHostName(rawHost);
    if (isIP(host) !== 0) return this.checkAddress(host, host);
    const denied = this.denyHosts.get(host) ?? this.denySuffixes.find((s) => host.endsWith(s.suffix))?.text;
    if (denied !== undefined) return { allowed: false, list: EgressList.Deny, rule: denied };
    if (this.restricted && this.allowNetworks.length === 0 && !this.allowsName(host)) return this.notAllowed();
    return allowed;
  }

  /** The decision on one address `rawHost` resolved to (or the literal itself), at connect time. */
  checkAddress(rawHost: string, address: string): EgressDecision {
    const host = normalizeHostName(rawHost);
    const family = isIP(address) === 4 ? 'ipv4' : 'ipv6';
    const denied = this.denyNetworks.find((m) => m.matches(address, family));
    if (denied) return { allowed: false, list: EgressList.Deny, rule: denied.label };
    if (!this.restricted) return allowed;
    if (isIP(host) === 0 && this.allowsName(host)) return allowed;
    if (this.allowNetworks.some((m) => m.matches(address, family))) return allowed;
    return this.notAllowed();
  }

  private allowsName(host: string): boolean {
    return this.allowHosts.has(host) || this.allowSuffixes.some((s) => host.endsWith(s.suffix));
  }

  private notAllowed(): EgressDecision {
    return { allowed: false, list: EgressList.Allow, rule: `matches none of ${this.lists.allow.map((r) => r.text).join(', ')}` };
  }
}

function suffixes(rules: readonly EgressRule[]): { suffix: string; text: string }[] {
  return rules.flatMap((r) => (r.kind === 'wildcard' ? [{ suffix: r.suffix, text: r.text }] : []));
}

function networks(rules: readonly EgressRule[]): NetworkMatcher[] {
  return rules.flatMap((r) => {
    if (r.kind === 'network') return [matcher(r.text, r.network)];
    if (r.kind === 'private') return privateNetworks.map((n) => matcher(`${PRIVATE_KEYWORD} (${n.address}/${n.prefix})`, n));
    return [];
  });
}

/**
 * BlockList compares an IPv4 address as its IPv4-mapped IPv6 form, so `::/0` would match every IPv4
 * address: an IPv6 network applies to IPv4 addresses only when it lies inside ::ffff:0:0/96. The
 * other way round is wanted: ::ffff:10.0.0.1 reaches 10.0.0.1, so 10.0.0.0/8 matches it.
 */
function matcher(label: string, network: IpNetwork): NetworkMatcher {
  const list = new BlockList();
  list.addSubnet(network.address, network.prefix, network.family);
  const coversIpv4 = network.family === 'ipv4' || (network.prefix >= 96 && ipv4Mapped.check(network.address, 'ipv6'));
  return { label, matches: (address, family) => (family === 'ipv4' && !coversIpv4 ? false : list.check(address, family)) };
}
