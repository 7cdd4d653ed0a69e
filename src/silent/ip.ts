import ipaddr from 'ipaddr.js';

/** The canonical text of an IP address (IPv4-mapped IPv6 becomes IPv4), or undefined if it is not one. */
export function canonicalIp(text: string): string | undefined {
  if (typeof text !== 'string' || !ipaddr.isValid(text)) return undefined;
  return ipaddr.process(text).toString();
}

/** A CIDR block in canonical form (`100.64.0.0/10`), or undefined if it is not one. */
export function canonicalCidr(text: string): string | undefined {
  try {
    const [addr, bits] = ipaddr.parseCIDR(text);
    const kind = addr.kind();
    const network = kind === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(text) : ipaddr.IPv6.networkAddressFromCIDR(text);
    return `${network.toString()}/${bits}`;
  } catch {
    return undefined;
  }
}

/** Parsed blocks, ready for `contains`. */
export type Block = [ipaddr.IPv4 | ipaddr.IPv6, number];

export function parseBlocks(cidrs: readonly string[]): Block[] {
  return cidrs.map((c) => ipaddr.parseCIDR(c) as Block);
}

export function contains(blocks: readonly Block[], ip: string): boolean {
  const addr = ipaddr.process(ip);
  return blocks.some(([net, bits]) => net.kind() === addr.kind() && addr.match(net as never, bits));
}
