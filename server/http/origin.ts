import net from 'node:net';
import type { Request } from 'express';
import type { ConsentSource } from '../../contract/index.js';
import { nowIso } from '../store/time.js';

/** Enough of an address to prove a request's origin without identifying a household: IPv4 /24, IPv6 /48. */
export function truncateIp(ip: string | undefined): string | null {
  if (!ip) return null;
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  if (net.isIPv4(v4)) return v4.split('.').slice(0, 3).concat('0').join('.');
  if (net.isIPv6(ip)) {
    const [head = ''] = ip.split('::');
    const groups = head.split(':').filter(Boolean);
    return `${groups.slice(0, 3).join(':')}::/48`;
  }
  return null;
}

/** Who changed a consent through a web request: the source, when, a truncated address and the agent. */
export function originOf(req: Request, source: ConsentSource): { source: ConsentSource; at: string; ip: string | null; userAgent: string | null } {
  return { source, at: nowIso(), ip: truncateIp(req.ip), userAgent: req.get('user-agent') ?? null };
}
