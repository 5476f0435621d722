import dns from 'node:dns/promises';
import net from 'node:net';
import { invalid } from '../errors.js';

/**
 * Addresses an outgoing webhook may not reach in production unless its host is allow-listed:
 * the machine itself, its network and the cloud's metadata service (server-side request forgery).
 */
const INTERNAL = new net.BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  INTERNAL.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  INTERNAL.addSubnet(network, prefix, 'ipv6');
}

const badUrl = (detail: string) => invalid(`The URL ${detail}`, [{ pointer: '#/url', detail: `The URL ${detail}` }]);

/** BlockList judges an IPv4 address written as IPv6 (`::ffff:10.0.0.1`) by the IPv4 rules. */
export function isInternalAddress(address: string): boolean {
  const family = net.isIPv4(address) ? 'ipv4' : net.isIPv6(address) ? 'ipv6' : null;
  return family === null || INTERNAL.check(address, family);
}

export interface OutboundPolicy {
  /** Production: https only, and no internal address unless the host is allow-listed. */
  production: boolean;
  /** Hosts (lower case) that may resolve to internal addresses: an on-premises PSA. */
  allowedInternalHosts: ReadonlySet<string>;
}

export type Resolve = (host: string) => Promise<string[]>;

const resolveAll: Resolve = async (host) => (await dns.lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/**
 * Where a webhook URL may send, checked when it is registered and again before each delivery (a
 * name can be pointed elsewhere later). Returns the addresses to connect to, so the request goes
 * to an address that was checked, not to whatever the name resolves to a moment later.
 */
export async function outboundAddresses(url: URL, policy: OutboundPolicy, resolve: Resolve = resolveAll): Promise<string[]> {
  if (url.protocol !== 'https:' && (policy.production || url.protocol !== 'http:')) {
    throw badUrl(policy.production ? 'must be an https URL in production.' : 'must be an http(s) URL.');
  }
  if (url.username || url.password) throw badUrl('may not hold a user name or password: the signature authenticates us.');
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  let addresses: string[];
  try {
    addresses = net.isIP(host) ? [host] : await resolve(host);
  } catch {
    throw badUrl(`its host ${host} does not resolve.`);
  }
  if (!addresses.length) throw badUrl(`its host ${host} does not resolve.`);
  if (policy.production && !policy.allowedInternalHosts.has(host) && addresses.some(isInternalAddress)) {
    throw badUrl(`its host ${host} resolves to an internal address; an on-premises receiver must be listed in WEBHOOK_INTERNAL_HOSTS.`);
  }
  return addresses;
}
