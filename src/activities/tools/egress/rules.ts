/**
 * The rules of the `http` tool's egress policy (`CADENZA_HTTP_ALLOW`, `CADENZA_HTTP_DENY`): what one
 * comma-separated entry may be, and its parsing. Matching is in `policy.ts`.
 */
import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';

/** The keyword for loopback, private, link-local, cloud-metadata and other non-public ranges. */
export const PRIVATE_KEYWORD = 'private';

/** An IP network: an address and a prefix length (a bare address is a /32 or /128). */
export interface IpNetwork {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** One entry of an egress list, with the text it was written as (errors name it). */
export type EgressRule =
  /** A host name, matched exactly (case-insensitive, trailing dot ignored). */
  | { kind: 'host'; text: string; host: string }
  /** `*.example.com`: every name under `example.com`, at any depth, not `example.com` itself. */
  | { kind: 'wildcard'; text: string; suffix: string }
  /** An IPv4 or IPv6 address or CIDR, matched against the address actually connected to. */
  | { kind: 'network'; text: string; network: IpNetwork }
  /** `private`: every network in `privateNetworks`. */
  | { kind: 'private'; text: string };

/**
 * What `private` stands for: loopback, "this network" (0.0.0.0/8, which Linux routes to the local
 * host), RFC 1918, carrier-grade NAT (100.64.0.0/10, holds Alibaba's metadata 100.100.100.200),
 * link-local (169.254.0.0/16, holds the AWS/GCP/Azure/OCI metadata 169.254.169.254), IETF protocol
 * assignments, benchmarking, multicast and reserved IPv4; unspecified, loopback, unique-local
 * (fc00::/7, holds AWS's fd00:ec2::254), link-local, site-local, multicast IPv6 and the local-use
 * NAT64 prefix. IPv4-mapped IPv6 addresses (::ffff:10.0.0.1) match the IPv4 networks.
 */
export const privateNetworks: readonly IpNetwork[] = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
  ['::', 128], ['::1', 128], ['64:ff9b:1::', 48], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
].map(([address, prefix]) => ({ address: address as string, prefix: prefix as number, family: isIP(address as string) === 4 ? 'ipv4' : 'ipv6' }));

/** An entry that is not a rule; the message says which entry and why, in one line. */
export class EgressRuleError extends Error {
  override name = 'EgressRuleError';
}

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

/** Parses one entry (already trimmed, non-empty); throws `EgressRuleError`. */
export function parseEgressRule(text: string): EgressRule {
  if (text.toLowerCase() === PRIVATE_KEYWORD) return { kind: 'private', text };
  if (text.includes('://')) throw new EgressRuleError(`"${text}" is not a host name: write the host alone, without scheme, port or path`);
  if (text.includes('/')) return { kind: 'network', text, network: parseNetwork(text) };
  const literal = text.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(literal);
  if (family !== 0 && !literal.includes('%')) {
    return { kind: 'network', text, network: { address: literal, prefix: family === 4 ? 32 : 128, family: family === 4 ? 'ipv4' : 'ipv6' } };
  }
  if (text.startsWith('*.')) return { kind: 'wildcard', text, suffix: `.${parseHostName(text, text.slice(2))}` };
  return { kind: 'host', text, host: parseHostName(text, text) };
}

/** Parses a comma-separated list; blank entries are ignored. Throws `EgressRuleError` at the first bad one. */
export function parseEgressRules(list: string): EgressRule[] {
  return list
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map(parseEgressRule);
}

/** A host name in the form URLs carry it: lower case, punycode, no trailing dot. */
export function normalizeHostName(host: string): string {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return bare.endsWith('.') ? bare.slice(0, -1) : bare;
}

function parseNetwork(text: string): IpNetwork {
  const [address = '', prefixText = '', ...rest] = text.split('/');
  const family = isIP(address);
  if (rest.length > 0 || family === 0 || address.includes('%')) throw new EgressRuleError(`"${text}" is not a CIDR: expected an IPv4 or IPv6 address, "/" and a prefix length`);
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) throw new EgressRuleError(`"${text}": the prefix length must be a number from 0 to ${max}`);
  return { address, prefix: Number(prefixText), family: family === 4 ? 'ipv4' : 'ipv6' };
}

function parseHostName(text: string, name: string): string {
  if (/[\s:/?#@*[\]]/.test(name)) throw new EgressRuleError(`"${text}" is not a host name, IP address, CIDR, "*.domain" or "${PRIVATE_KEYWORD}"`);
  const ascii = normalizeHostName(domainToASCII(name));
  // WHATWG host parsing turns 0x7f.1 into 127.0.0.1: addresses must be written as addresses.
  if (isIP(ascii) !== 0) throw new EgressRuleError(`"${text}": write IPv4 addresses as four decimal numbers (e.g. 127.0.0.1)`);
  if (ascii === '' || !ascii.split('.').every((label) => LABEL.test(label))) {
    throw new EgressRuleError(`"${text}" is not a host name, IP address, CIDR, "*.domain" or "${PRIVATE_KEYWORD}"`);
  }
  return ascii;
}
