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
 * Masks a client address for a timeline: the network it came from, not the host. IPv4 keeps its
 * /24 (`203.0.113.x`), IPv6 its /48 (`2001:db8:1::/48`); anything else is `unknown`.
 */
export function maskIp(ip: string): string {
  const v4 = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.\d{1,3}$/i.exec(ip);
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.x`;
  if (ip.includes(':')) {
    const head = ip.split('::')[0]?.split(':').filter(Boolean).slice(0, 3) ?? [];
    return `${head.join(':')}::/48`;
  }
  return 'unknown';
}
