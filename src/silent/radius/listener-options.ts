import { isIP } from 'node:net';
import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.js';
import { canonicalIp } from '../ip.js';
import type { AccountingRecord } from './accounting-record.js';

export interface AccountingListenerOptions {
  /** Address to bind; an IPv6 address binds a udp6 socket. Default '0.0.0.0'. */
  host?: string;
  /** UDP port. Default 1813 (RFC 2866); 0 picks a free port, which `start()` reports. */
  port?: number;
  /** Shared secret of every NAS not listed in `secrets`. Required, no default. */
  secret: string;
  /** Shared secrets by NAS source address ('10.0.0.1': 'secret'), overriding `secret`. Default none. */
  secrets?: Record<string, string>;
  /**
   * Socket receive buffer, so a burst (a NAS reboot replaying its backlog) waits in the kernel
   * instead of being dropped. Linux grants at most net.core.rmem_max; a warning says when it
   * granted less. Default 8 MiB.
   */
  recvBufferBytes?: number;
  /** Most records in one `onRecords` call. Default 512. */
  batchSize?: number;
  /** How long an answered request is remembered to recognise its retransmissions. Default 5000 ms. */
  duplicateWindowMs?: number;
  /**
   * Records received but not yet stored beyond which new requests are dropped unanswered (counted
   * as `shed`), so a stalled store cannot exhaust memory; the NASes retransmit. Default 65536.
   */
  maxPendingRecords?: number;
  /**
   * Stores a batch. Its requests are answered only once this resolves (RFC 2866 §2: no answer
   * before the record is kept); if it rejects, none is, and the NASes retransmit.
   */
  onRecords: (records: AccountingRecord[]) => Promise<void>;
  /** Default: silent. Never given an MSISDN in full nor a secret. */
  logger?: Logger;
  /** Receive time source. Default: the system clock. */
  clock?: Clock;
}

export interface Secret {
  text: string;
  bytes: Buffer;
}

export interface ListenerSettings {
  host: string;
  port: number;
  recvBufferBytes: number;
  batchSize: number;
  duplicateWindowMs: number;
  maxPendingRecords: number;
  defaultSecret: Secret;
  /** Keyed by canonical address, the form incoming source addresses are looked up in. */
  nasSecrets: Map<string, Secret>;
}

/** Applies defaults and refuses, at construction, a configuration that could never work. */
export function settingsFrom(o: AccountingListenerOptions): ListenerSettings {
  const host = o.host ?? '0.0.0.0';
  if (!isIP(host)) throw new Error(`radius accounting: host must be an IP address, got '${host}'`);
  const nasSecrets = new Map<string, Secret>();
  for (const [address, text] of Object.entries(o.secrets ?? {})) {
    const canonical = canonicalIp(address);
    if (!canonical) throw new Error(`radius accounting: secrets key '${address}' is not an IP address`);
    nasSecrets.set(canonical, secretOf(text, `the secret for ${canonical}`));
  }
  return {
    host,
    port: whole(o.port ?? 1813, 'port', 0, 65535),
    recvBufferBytes: whole(o.recvBufferBytes ?? 8 * 1024 * 1024, 'recvBufferBytes', 1, Number.MAX_SAFE_INTEGER),
    batchSize: whole(o.batchSize ?? 512, 'batchSize', 1, Number.MAX_SAFE_INTEGER),
    duplicateWindowMs: whole(o.duplicateWindowMs ?? 5000, 'duplicateWindowMs', 0, Number.MAX_SAFE_INTEGER),
    maxPendingRecords: whole(o.maxPendingRecords ?? 65536, 'maxPendingRecords', 1, Number.MAX_SAFE_INTEGER),
    defaultSecret: secretOf(o.secret, 'secret'),
    nasSecrets,
  };
}

function secretOf(text: unknown, what: string): Secret {
  // The message names the setting, never its value.
  if (typeof text !== 'string' || text.length === 0) throw new Error(`radius accounting: ${what} is required`);
  return { text, bytes: Buffer.from(text, 'utf8') };
}

function whole(value: number, name: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`radius accounting: ${name} must be an integer from ${min} to ${max}`);
  return value;
}
