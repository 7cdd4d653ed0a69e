import { createHash } from 'node:crypto';
import type { CallService } from '../calls/call-service.js';
import { AppError } from '../errors/index.js';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import { canonicalIp } from '../operator/ip.js';
import type { OperatorStore } from '../operator/operator-store.js';
import { simulatedOperator, type SilentEngine } from '../operator/silent-engine.js';
import type { CallEvent, CallStep } from '../calls/call-provider.js';
import type { PhoneCallRow, PhoneStore } from './phone-store.js';

/**
 * Ports a phone behind CGNAT holds around the one it went online with: an aligned block of 1024,
 * a common size for the blocks a carrier-grade NAT hands each subscriber (RFC 7422 logs them).
 */
export const PORT_BLOCK = 1024;
// 100.64.0.0/10, the shared address space for CGNAT (RFC 6598).
const CGNAT_BASE = (100 << 24) | (64 << 16);
const CGNAT_SIZE = 1 << 22;
// Phones of one account that collide on the first pick are few; this bounds the search.
const CGNAT_PROBES = 64;

const sessionId = (number: string) => `vp:${number}`;

export interface PhoneAction {
  call: PhoneCallRow;
  /** What the phone hears next (the IVR's answer to a key). */
  heard: CallStep[];
}

/**
 * A person's phone, simulated: it answers, presses keys and hangs up on the calls the sandbox
 * rings it with, dials numbers (a reverse call), and goes online or offline on the sandbox's
 * simulated mobile operator with a public ip:port. Every action reaches the call channels as
 * the same events a telephony provider reports, so it drives them end to end.
 */
export class VirtualPhone {
  constructor(
    private readonly store: PhoneStore,
    // Only where the phone's calls are reported: the call channels, or whatever observes them.
    private readonly calls: Pick<CallService, 'handle' | 'inbound'>,
    private readonly operator: OperatorStore,
    private readonly engine: SilentEngine,
    private readonly clock: Clock,
  ) {}

  async answer(accountId: string, number: string, id: string): Promise<PhoneAction> {
    const call = await this.ringing(accountId, number, id);
    if (!(await this.store.move(id, ['ringing'], { status: 'answered' }, this.clock.now()))) throw notNow(call);
    await this.report(call, { type: 'answered' });
    return { call: { ...call, status: 'answered' }, heard: JSON.parse(call.script) as CallStep[] };
  }

  async press(accountId: string, number: string, id: string, digits: string): Promise<PhoneAction> {
    const call = await this.own(accountId, number, id);
    if (call.status !== 'answered') throw notNow(call);
    const pressed = { ...call, digits: (call.digits ?? '') + digits };
    await this.store.move(id, ['answered'], { digits: pressed.digits }, this.clock.now());
    const heard = (await this.report(call, { type: 'dtmf', digits })) ?? [];
    // The IVR's answer ends with a hangup: the call is over once it has been heard.
    if (heard.some((s) => 'hangup' in s)) return { call: await this.end(pressed, 'completed'), heard };
    return { call: pressed, heard };
  }

  async hangup(accountId: string, number: string, id: string): Promise<PhoneAction> {
    const call = await this.own(accountId, number, id);
    if (call.status === 'ended') throw notNow(call);
    // Hanging up a ringing phone declines the call.
    return { call: await this.end(call, call.status === 'ringing' ? 'rejected' : 'completed'), heard: [] };
  }

  /**
   * Calls `to` from this phone: a reverse call, which the operator side never answers (it costs
   * nothing). The call shows the verification it approved and `completed`, or `rejected` when no
   * verification of this account was waiting for it.
   */
  async dial(accountId: string, number: string, to: string): Promise<PhoneCallRow> {
    const now = this.clock.now();
    const id = newId('vpc');
    const [approved] = await this.calls.inbound('sandbox', id, number, to, accountId);
    const call: PhoneCallRow = {
      id,
      account_id: accountId,
      verification_id: approved ?? null,
      message_id: null,
      direction: 'inbound',
      channel: 'reverse_call',
      from: number,
      to,
      script: '[]',
      status: 'ended',
      digits: null,
      disposition: approved ? 'completed' : 'rejected',
      created_at: now,
      updated_at: now,
    };
    await this.store.insert(call);
    return call;
  }

  /**
   * The phone gets a data session on the simulated operator. With a port it sits behind CGNAT, as
   * most mobile subscribers do: its session holds a private address of its own, and `ip` lends it
   * the block of PORT_BLOCK ports around `port` (taken from any phone that held it), so only a
   * request naming a port in that block finds it. Without a port it holds `ip` itself, and any
   * request for that address, with any port or none, finds it.
   */
  async online(accountId: string, number: string, ip: string, port?: number): Promise<void> {
    const address = canonicalIp(ip);
    if (!address) throw new AppError('VALIDATION_FAILED', 'ip must be an IPv4 or IPv6 address');
    const operator = simulatedOperator(accountId);
    const now = this.clock.now();
    const ranges = await this.operator.ranges(operator);
    const cidr = `${address}/${address.includes(':') ? 128 : 32}`;
    if (!ranges.includes(cidr)) {
      await this.operator.setRanges(operator, [...ranges, cidr], now);
      this.engine.invalidate();
    }
    const held = await this.operator.session(operator, sessionId(number));
    if (held?.ended_at === null) await this.operator.endPortBlocks(operator, held.ip, now);
    let sessionIp = address;
    if (port !== undefined) {
      sessionIp = await this.privateAddress(operator, number);
      const portStart = port - (port % PORT_BLOCK);
      const displaced = await this.operator.claimPortBlock(operator, { private_ip: sessionIp, public_ip: address, port_start: portStart, port_end: portStart + PORT_BLOCK - 1 }, now);
      // A phone whose block was taken has no way onto the network left: its session ends.
      const bumped = await this.operator.sessionsOn(operator, displaced, now, now);
      const stops = bumped.filter((s) => s.ended_at === null && s.msisdn !== number).map((s) => ({ status: 'stop' as const, sessionId: s.session_id, msisdn: s.msisdn, ip: s.ip, at: now }));
      await this.operator.recordSessions(operator, stops);
    }
    await this.operator.recordSessions(operator, [{ status: 'start', sessionId: sessionId(number), msisdn: number, ip: sessionIp, at: now }]);
  }

  async offline(accountId: string, number: string): Promise<void> {
    const operator = simulatedOperator(accountId);
    const session = await this.operator.session(operator, sessionId(number));
    if (!session || session.ended_at !== null) return;
    const now = this.clock.now();
    await this.operator.endPortBlocks(operator, session.ip, now);
    await this.operator.recordSessions(operator, [{ status: 'stop', sessionId: sessionId(number), msisdn: number, ip: session.ip, at: now }]);
  }

  list(accountId: string, number: string, limit: number): Promise<PhoneCallRow[]> {
    return this.store.list(accountId, number, limit);
  }

  /** The open data session: the public address it is reached at, and its port block when behind CGNAT. */
  async status(accountId: string, number: string): Promise<{ ip: string; since: number; ports?: { start: number; end: number } } | null> {
    const operator = simulatedOperator(accountId);
    const session = await this.operator.session(operator, sessionId(number));
    if (!session || session.ended_at !== null) return null;
    const block = await this.operator.openPortBlock(operator, session.ip);
    if (!block) return { ip: session.ip, since: session.started_at };
    return { ip: block.public_ip, since: session.started_at, ports: { start: block.port_start, end: block.port_end } };
  }

  /**
   * The phone's own address in the CGNAT range (RFC 6598), the same every time: one picked from
   * its number, or the next free one when another phone of the account already has it.
   */
  private async privateAddress(operator: string, number: string): Promise<string> {
    const first = createHash('sha256').update(number).digest().readUInt32BE(0) % CGNAT_SIZE;
    for (let i = 0; i < CGNAT_PROBES; i++) {
      const n = CGNAT_BASE + ((first + i) % CGNAT_SIZE);
      const candidate = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
      const holders = await this.operator.sessionsOn(operator, [candidate], 0, Number.MAX_SAFE_INTEGER);
      if (holders.every((s) => s.msisdn === number)) return candidate;
    }
    throw new AppError('VALIDATION_FAILED', 'no free address is left on the simulated operator');
  }

  private async end(call: PhoneCallRow, disposition: 'completed' | 'rejected'): Promise<PhoneCallRow> {
    if (!(await this.store.move(call.id, ['ringing', 'answered'], { status: 'ended', disposition }, this.clock.now()))) throw notNow(call);
    await this.report(call, { type: 'ended', disposition });
    return { ...call, status: 'ended', disposition };
  }

  private report(call: PhoneCallRow, event: CallEvent): Promise<CallStep[] | undefined> {
    return this.calls.handle('sandbox', [{ providerCallId: call.id, ...(call.message_id ? { callId: call.message_id } : {}), event }]);
  }

  private async ringing(accountId: string, number: string, id: string): Promise<PhoneCallRow> {
    const call = await this.own(accountId, number, id);
    if (call.status !== 'ringing') throw notNow(call);
    return call;
  }

  /** A call this phone received; another account's, or another phone's, looks like none at all. */
  private async own(accountId: string, number: string, id: string): Promise<PhoneCallRow> {
    const call = await this.store.get(accountId, id);
    if (call?.direction !== 'outbound' || call.to !== number) throw new AppError('CALL_NOT_FOUND', `no call ${id} on this phone`);
    return call;
  }
}

function notNow(call: PhoneCallRow): AppError {
  return new AppError('CALL_STATE', `the call is ${call.status}`);
}
