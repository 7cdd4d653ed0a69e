import { Agent, request } from 'undici';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import ipaddr from 'ipaddr.js';

/**
 * Whether an address is one the public internet can route to. Loopback, private (RFC 1918, ULA),
 * link-local (cloud metadata at 169.254.169.254), CGNAT, multicast and the like are not.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === 'unicast';
}

export class BlockedAddressError extends Error {
  readonly code = 'EADDRBLOCKED';
  constructor(host: string) {
    super(`${host} resolves to an address that is not on the public internet`);
    this.name = 'BlockedAddressError';
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `dns.lookup` for outgoing connections that refuses non-public addresses. It runs when the
 * socket connects, so a name that resolved to a public address when the endpoint was saved and
 * to a private one now (DNS rebinding) is still refused.
 */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: { all?: boolean; family?: number | string }, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true } as { all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const list = addresses as LookupAddress[];
      if (!allowPrivate && (list.length === 0 || list.some((a) => !isPublicAddress(a.address)))) return callback(new BlockedAddressError(hostname), []);
      if (options.all) return callback(null, list);
      const first = list[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}

/** Resolves a URL's host now and says whether it may be called (for a clear error when an endpoint is saved). */
export async function hostAllowed(url: URL, allowPrivate: boolean): Promise<boolean> {
  if (allowPrivate) return true;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (ipaddr.isValid(host)) return isPublicAddress(host);
  return new Promise((resolve) => {
    dnsLookup(host, { all: true }, (err, addresses) => resolve(!err && addresses.length > 0 && addresses.every((a) => isPublicAddress(a.address))));
  });
}

/**
 * Throws the connect-time guard's error for a URL whose host is a literal non-public address: a
 * literal never goes through DNS, so the guarded lookup cannot see it.
 */
export function refuseLiteral(url: URL, allowPrivate: boolean): void {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivate && ipaddr.isValid(host) && !isPublicAddress(host)) throw Object.assign(new BlockedAddressError(host), { code: 'EADDRBLOCKED' });
}

/**
 * An HTTP client for URLs an account chose (webhooks, vendor notifications): every connection's
 * resolved address is checked, so DNS rebinding cannot reach what the URL check allowed.
 */
export function guardedAgent(allowPrivate: boolean, timeoutMs: number): Agent {
  return new Agent({ connect: { lookup: guardedLookup(allowPrivate) as never }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
}

/** One POST's result: the status it answered, or why there was none. */
export type GuardedPostResult = { status: number; error?: undefined } | { status?: undefined; error: 'ADDRESS_NOT_ALLOWED' | 'TIMEOUT' | 'CONNECTION_FAILED' };

/**
 * One POST to a URL an account chose, through a guarded agent: a literal private address is
 * refused before connecting, a name where it resolves. Never throws; the answer's body is drained.
 */
export async function guardedPost(
  agent: Agent,
  url: URL,
  o: { allowPrivate: boolean; timeoutMs: number; headers: Record<string, string>; body: string },
): Promise<GuardedPostResult> {
  try {
    refuseLiteral(url, o.allowPrivate);
    const res = await request(url, { method: 'POST', dispatcher: agent, headers: o.headers, body: o.body, signal: AbortSignal.timeout(o.timeoutMs) });
    await res.body.dump();
    return { status: res.statusCode };
  } catch (err) {
    const code = (err as { cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code;
    if (code === 'EADDRBLOCKED') return { error: 'ADDRESS_NOT_ALLOWED' };
    return { error: (err as Error).name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' ? 'TIMEOUT' : 'CONNECTION_FAILED' };
  }
}
