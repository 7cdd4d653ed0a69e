import ipaddr from 'ipaddr.js';

/**
 * Masks a phone number or email address for logs and errors: enough to tell two destinations
 * apart while debugging, never enough to contact the person.
 */
export function maskDestination(to: string): string {
  const at = to.indexOf('@');
  if (at > 0) return `${to[0]}***${to.slice(at)}`;
  if (to.length <= 5) return '***';
  return `${to.slice(0, 3)}${'*'.repeat(Math.max(3, to.length - 5))}${to.slice(-2)}`;
}

/**
 * Masks a client address for a timeline: the network it came from, not the host. IPv4 (and
 * IPv4-mapped IPv6) keeps its /24 (`203.0.113.x`), IPv6 its /48 (`2001:db8:1::/48`); anything
 * else is `unknown`.
 */
export function maskIp(ip: string): string {
  if (!ipaddr.isValid(ip)) return 'unknown';
  const addr = ipaddr.process(ip);
  if (addr.kind() === 'ipv4') return `${(addr as ipaddr.IPv4).octets.slice(0, 3).join('.')}.x`;
  return `${(addr as ipaddr.IPv6).parts
    .slice(0, 3)
    .map((p) => p.toString(16))
    .join(':')}::/48`;
}
