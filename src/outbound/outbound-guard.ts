import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { connect as netConnect, isIP, Socket, type LookupFunction } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import ipaddr from 'ipaddr.js';
import { Agent, buildConnector } from 'undici';

/**
 * The one guard for connections to addresses that come from configuration: webhooks, vendor
 * callbacks, account providers (HTTP, SMTP, SMPP) and the operator's own providers and silent
 * upstreams, each under its switch. It answers twice: when an address is saved (`checkHost`, for
 * a clear error) and when a socket connects (the lookup and literal check below), so a name that
 * resolved to a public address when it was saved and to a private one now (DNS rebinding) is
 * still refused, whatever notation the address was written in.
 */

/**
 * Whether an address is one the public internet can route to. Loopback, private (RFC 1918, ULA),
 * link-local (cloud metadata at 169.254.169.254), CGNAT, multicast, unspecified (0.0.0.0, ::),
 * reserved and the like are not; an IPv4-mapped address is judged as the IPv4 address it maps.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const ip = ipaddr.process(address);
  // IPv4-compatible ::a.b.c.d (deprecated, RFC 4291) is ranged unicast by ipaddr.js; nothing public lives there.
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).parts.slice(0, 6).every((p) => p === 0)) return false;
  return ip.range() === 'unicast';
}

/** A connection the guard refused. The message never names the host: it may come from a secret. */
export class BlockedAddressError extends Error {
  readonly code = 'EADDRBLOCKED';
  constructor() {
    super('the address is not on the public internet (loopback, private, link-local or reserved)');
    this.name = 'BlockedAddressError';
  }
}

/** Whether an error, or one of its causes, is the guard's refusal. */
export function isBlockedAddress(err: unknown): boolean {
  for (let e = err, depth = 0; e !== null && typeof e === 'object' && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof BlockedAddressError || (e as { code?: unknown }).code === 'EADDRBLOCKED') return true;
  }
  return false;
}

/** A host as sockets take it: an IPv6 literal without the brackets a URL writes around it. */
export function bareHost(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** The host of a URL (bare), or undefined when the text is not a URL. */
export function hostOf(url: string): string | undefined {
  try {
    return bareHost(new URL(url).hostname);
  } catch {
    return undefined;
  }
}

/**
 * A literal IP address that a socket would connect to without any lookup, and that is not
 * allowed. Only `isIP` literals skip the lookup in `net.connect`; every other spelling
 * (2130706433, 0x7f000001, 0177.0.0.1, 127.1) goes through the guarded lookup, which sees the
 * address it stands for.
 */
function refusedLiteral(host: string, allowPrivate: boolean): boolean {
  const h = bareHost(host);
  return !allowPrivate && isIP(h) !== 0 && !isPublicAddress(h);
}

/**
 * A `dns.lookup` for outgoing connections that refuses a name when any of its addresses is not
 * public. It runs when the socket connects.
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const list = addresses as LookupAddress[];
      if (!allowPrivate && (list.length === 0 || list.some((a) => !isPublicAddress(a.address)))) return callback(new BlockedAddressError(), []);
      if (options.all) return callback(null, list);
      const first = list[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}

export type AddressVerdict = 'allowed' | 'not-public' | 'unresolvable';

/**
 * Says now whether a host may be connected to, for a clear answer when an address is saved: a
 * literal in any notation is judged as the address it means, a name where it resolves.
 */
export async function checkHost(host: string, allowPrivate: boolean): Promise<AddressVerdict> {
  if (allowPrivate) return 'allowed';
  const h = bareHost(host);
  // ipaddr.js reads the old inet_aton spellings too, so 2130706433 is refused without asking DNS.
  if (ipaddr.isValid(h)) return isPublicAddress(h) ? 'allowed' : 'not-public';
  return new Promise((resolve) => {
    dnsLookup(h, { all: true }, (err, addresses) => {
      if (err || addresses.length === 0) return resolve('unresolvable');
      resolve(addresses.every((a) => isPublicAddress(a.address)) ? 'allowed' : 'not-public');
    });
  });
}

/** `checkHost` for a URL's host. */
export function checkUrl(url: URL, allowPrivate: boolean): Promise<AddressVerdict> {
  return checkHost(url.hostname, allowPrivate);
}

/**
 * An undici connector that refuses a literal address before connecting and resolves every name
 * through the guarded lookup. WHATWG URL parsing has already turned odd IPv4 spellings into
 * dotted quads, so the literal check sees 127.0.0.1 for http://2130706433/.
 */
function guardedConnector(allowPrivate: boolean): buildConnector.connector {
  const connect = buildConnector({ lookup: guardedLookup(allowPrivate) });
  return (options, callback) => {
    if (refusedLiteral(options.hostname, allowPrivate)) return callback(new BlockedAddressError(), null);
    connect(options, callback);
  };
}

/** An HTTP client whose every connection goes through the guard; timeouts apply per request when given. */
export function guardedAgent(allowPrivate: boolean, timeoutMs?: number): Agent {
  return new Agent({ connect: guardedConnector(allowPrivate), ...(timeoutMs !== undefined ? { headersTimeout: timeoutMs, bodyTimeout: timeoutMs } : {}) });
}

export interface GuardedSocketOptions {
  host: string;
  port: number;
  allowPrivate: boolean;
  /** TLS from the first byte; the certificate is checked against `host` (sent as SNI when a name). */
  tls?: ConnectionOptions | undefined;
}

/**
 * A TCP (or TLS) connection for protocols that are not HTTP (SMTP, SMPP). A refused address
 * fails the socket with BlockedAddressError ('error', then 'close') before any packet is sent.
 */
export function guardedSocket(o: GuardedSocketOptions): Socket {
  const host = bareHost(o.host);
  if (refusedLiteral(host, o.allowPrivate)) {
    const socket = new Socket();
    process.nextTick(() => socket.destroy(new BlockedAddressError()));
    return socket;
  }
  const lookup = guardedLookup(o.allowPrivate);
  if (o.tls) return tlsConnect({ ...o.tls, host, port: o.port, lookup, ...(isIP(host) ? {} : { servername: host }) });
  return netConnect({ host, port: o.port, lookup });
}

/**
 * One switch's worth of the guard, handed to the providers and upstreams it covers: whether
 * private addresses are allowed, and one guarded HTTP client they share.
 */
export class OutboundGuard {
  readonly http: Agent;

  constructor(readonly allowPrivate: boolean) {
    this.http = guardedAgent(allowPrivate);
  }

  check(host: string): Promise<AddressVerdict> {
    return checkHost(host, this.allowPrivate);
  }

  socket(host: string, port: number, tls?: ConnectionOptions): Socket {
    return guardedSocket({ host, port, allowPrivate: this.allowPrivate, tls });
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
