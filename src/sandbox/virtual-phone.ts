import type { CallService } from '../calls/call-service.js';
import { AppError } from '../errors/index.js';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import { canonicalIp } from '../operator/ip.js';
import type { OperatorStore } from '../operator/operator-store.js';
import { simulatedOperator, type SilentEngine } from '../operator/silent-engine.js';
import type { CallEvent, CallStep } from '../telephony/call-provider.js';
import type { PhoneCallRow, PhoneStore } from './phone-store.js';

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
    private readonly calls: CallService,
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
      id, account_id: accountId, verification_id: approved ?? null, message_id: null, direction: 'inbound', channel: 'reverse_call',
      from: number, to, script: '[]', status: 'ended', digits: null, disposition: approved ? 'completed' : 'rejected', created_at: now, updated_at: now,
    };
    await this.store.insert(call);
    return call;
  }

  /** The phone gets a data session on the simulated operator, holding `ip` (behind `port`, if given). */
  async online(accountId: string, number: string, ip: string): Promise<void> {
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
    await this.operator.recordSessions(operator, [{ status: 'start', sessionId: `vp:${number}`, msisdn: number, ip: address, at: now }]);
  }

  async offline(accountId: string, number: string): Promise<void> {
    const operator = simulatedOperator(accountId);
    const session = (await this.operator.session(operator, `vp:${number}`));
    if (!session || session.ended_at !== null) return;
    await this.operator.recordSessions(operator, [{ status: 'stop', sessionId: `vp:${number}`, msisdn: number, ip: session.ip, at: this.clock.now() }]);
  }

  list(accountId: string, number: string, limit: number): Promise<PhoneCallRow[]> {
    return this.store.list(accountId, number, limit);
  }

  async status(accountId: string, number: string): Promise<{ ip: string; since: number } | null> {
    const session = await this.operator.session(simulatedOperator(accountId), `vp:${number}`);
    return session && session.ended_at === null ? { ip: session.ip, since: session.started_at } : null;
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
    if (!call || call.direction !== 'outbound' || call.to !== number) throw new AppError('CALL_NOT_FOUND', `no call ${id} on this phone`);
    return call;
  }
}

function notNow(call: PhoneCallRow): AppError {
  return new AppError('CALL_STATE', `the call is ${call.status}`);
}
