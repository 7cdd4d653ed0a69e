import ipaddr from 'ipaddr.js';
import type { DecodedPacket } from 'radius';
import { normalizeMsisdn } from './msisdn.js';

export type AccountingStatus = 'start' | 'interim' | 'stop';

/** One data-session event from the packet core, as the listener hands it to `onRecords`. */
export interface AccountingRecord {
  status: AccountingStatus;
  /** Acct-Session-Id. */
  sessionId: string;
  /** Calling-Station-Id in E.164 with '+'. */
  msisdn: string;
  /** Framed-IP-Address, dotted IPv4. At least one of `framedIp` and `framedIpv6` is present. */
  framedIp?: string;
  /** Framed-IPv6-Address ('2001:db8::1'), else Framed-IPv6-Prefix ('2001:db8:0:1::/64'). */
  framedIpv6?: string;
  /** Epoch ms: Event-Timestamp, else the receive time less Acct-Delay-Time (RFC 2866 §5.2). */
  eventTime: number;
  /** NAS-IP-Address (or NAS-IPv6-Address) when the NAS names itself, else the sender's address. */
  nasIp: string;
}

export type Reading =
  | { kind: 'record'; record: AccountingRecord }
  /** A valid request that carries no session event (Accounting-On/Off, Failed, tunnel events). */
  | { kind: 'answer-only'; status: string }
  | { kind: 'malformed'; detail: string; callingStationId?: string };

const STATUSES: Record<string, AccountingStatus> = { Start: 'start', 'Interim-Update': 'interim', Stop: 'stop' };
// Addresses are read from the raw octets: the package renders any length as dotted text, leaves
// ipv6addr as a Buffer and has no dictionary entry for Framed-IPv6-Address (RFC 6911).
const NAS_IP_ADDRESS = 4;
const FRAMED_IP_ADDRESS = 8;
const NAS_IPV6_ADDRESS = 95;
const FRAMED_IPV6_ADDRESS = 168;

/** Reads the session event out of an authenticated Accounting-Request. */
export function readAccounting(packet: DecodedPacket, sender: string, receivedAt: number): Reading {
  const attrs = packet.attributes;
  const status = first(attrs['Acct-Status-Type']);
  if (status === undefined) return malformed('no Acct-Status-Type');
  const mapped = typeof status === 'string' ? STATUSES[status] : undefined;
  if (!mapped) return { kind: 'answer-only', status: String(status) };

  const sessionId = text(attrs['Acct-Session-Id']);
  if (!sessionId) return malformed('no Acct-Session-Id');
  const callingStationId = text(attrs['Calling-Station-Id']);
  if (!callingStationId) return malformed('no Calling-Station-Id');
  const msisdn = normalizeMsisdn(callingStationId);
  if (!msisdn) return { kind: 'malformed', detail: 'Calling-Station-Id is not an E.164 number', callingStationId };

  const v4 = raw(packet, FRAMED_IP_ADDRESS);
  if (v4 && v4.length !== 4) return malformed('Framed-IP-Address is not 4 octets');
  const framedIp = ipv4(v4);
  const v6 = ipv6Address(raw(packet, FRAMED_IPV6_ADDRESS)) ?? ipv6Prefix(first(attrs['Framed-IPv6-Prefix']));
  if (!framedIp && !v6) return malformed('no Framed-IP-Address, Framed-IPv6-Address nor Framed-IPv6-Prefix');

  const record: AccountingRecord = { status: mapped, sessionId, msisdn, eventTime: eventTime(attrs, receivedAt), nasIp: nasIp(packet, sender) };
  if (framedIp) record.framedIp = framedIp;
  if (v6) record.framedIpv6 = v6;
  return { kind: 'record', record };
}

function eventTime(attrs: Record<string, unknown>, receivedAt: number): number {
  const stamp = first(attrs['Event-Timestamp']);
  // 0 is what a NAS without a clock sends; the receive time is the better guess then.
  if (stamp instanceof Date && stamp.getTime() > 0) return stamp.getTime();
  const delay = first(attrs['Acct-Delay-Time']);
  return typeof delay === 'number' ? receivedAt - delay * 1000 : receivedAt;
}

function nasIp(packet: DecodedPacket, sender: string): string {
  return ipv4(raw(packet, NAS_IP_ADDRESS)) ?? ipv6Address(raw(packet, NAS_IPV6_ADDRESS)) ?? sender;
}

function ipv4(value: Buffer | undefined): string | undefined {
  return value?.length === 4 ? value.join('.') : undefined;
}

function ipv6Address(value: Buffer | undefined): string | undefined {
  return value?.length === 16 ? ipaddr.fromByteArray([...value]).toString() : undefined;
}

/** RFC 3162 §2.3: a reserved octet, the prefix length, then only the octets the prefix needs. */
function ipv6Prefix(value: unknown): string | undefined {
  if (!Buffer.isBuffer(value) || value.length < 2 || value.length > 18) return undefined;
  const bits = value[1] ?? 0;
  if (bits > 128 || value.length - 2 < Math.ceil(bits / 8)) return undefined;
  const bytes = Buffer.alloc(16);
  value.copy(bytes, 0, 2);
  return `${ipaddr.fromByteArray([...bytes]).toString()}/${bits}`;
}

function raw(packet: DecodedPacket, type: number): Buffer | undefined {
  return packet.raw_attributes.find(([t]) => t === type)?.[1];
}

/** The package turns a repeated attribute into an array; the first occurrence is the one used. */
function first(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}

function text(value: unknown): string | undefined {
  const v = first(value);
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

function malformed(detail: string): Reading {
  return { kind: 'malformed', detail };
}
