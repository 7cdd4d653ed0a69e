import type { CallService } from '../calls/call-service.js';
import { AppError } from '../errors/index.js';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import type { SimulatedOperator } from '../silent/simulated-operator.js';
import type { CallEvent, CallStep } from '../calls/call-provider.js';
import type { PhoneCallRow, PhoneStore } from './phone-store.js';

export interface PhoneAction {
  call: PhoneCallRow;
  /** What the phone hears next (the IVR's answer to a key). */
  heard: CallStep[];
}

/**
 * A person's phone, simulated: it answers, presses keys and hangs up on the calls the sandbox
 * rings it with, dials numbers (a reverse call), and goes online or offline on the sandbox's
 * simulated mobile operator with a public ip:port (its data sessions are silent/'s). Every action reaches the call channels as
 * the same events a telephony provider reports, so it drives them end to end.
 */
export class VirtualPhone {
  constructor(
    private readonly store: PhoneStore,
    // Only where the phone's calls are reported: the call channels, or whatever observes them.
    private readonly calls: Pick<CallService, 'handle' | 'inbound'>,
    private readonly network: SimulatedOperator,
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

  /** The phone gets a data session on the sandbox's simulated operator (see SimulatedOperator.online). */
  online(accountId: string, number: string, ip: string, port?: number): Promise<void> {
    return this.network.online(accountId, number, ip, port);
  }

  offline(accountId: string, number: string): Promise<void> {
    return this.network.offline(accountId, number);
  }

  list(accountId: string, number: string, limit: number): Promise<PhoneCallRow[]> {
    return this.store.list(accountId, number, limit);
  }

  /** The open data session (see SimulatedOperator.status). */
  status(accountId: string, number: string): ReturnType<SimulatedOperator['status']> {
    return this.network.status(accountId, number);
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
