import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { EventLog, TimelineType } from '../events/event-log.js';
import type { Logger } from 'pino';
import type { Outbox } from '../delivery/outbox.js';
import type { DeliveryReceipt } from '../kernel/message.js';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import { maskDestination } from '../lib/mask.js';
import type { Locale } from '../templates/index.js';
import type { CallEventRecord, CallStep } from './call-provider.js';
import { ivrFollowUp, type IvrPrompts } from './call-script.js';
import type { CallStore } from './call-store.js';

/** A verification as a call sees it: whether the call's step is still the one it waits on, and its IVR prompts. */
export interface CallVerification {
  id: string;
  /** Still pending, unexpired and on the step the call belongs to. */
  current: boolean;
  locale: string;
  /** The brand the IVR names, read only when the IVR answers a key. */
  brand: () => Promise<string>;
  ivr: IvrPrompts;
}

/** What the call channels ask of verifications; the verifications capability answers. */
export interface CallVerifications {
  /** Approves the reverse calls waiting for a call from `from` to `to` (of `account` only, when given); their ids. */
  inboundCall(from: string, to: string, account?: string): Promise<string[]>;
  /** The verification of a call placed for its `step`, as of `now`. */
  forCall(verificationId: string, step: number, now: number): Promise<CallVerification | undefined>;
  approve(id: string): Promise<unknown>;
  fail(id: string, reason: 'ivr_declined' | 'ivr_no_key'): Promise<unknown>;
}

export interface CallServiceDeps {
  calls: CallStore;
  /** The verifications' timeline: a call answered, a key pressed, a call ended. */
  timeline: Pick<EventLog, 'append'>;
  outbox: Pick<Outbox, 'get' | 'byProviderId'>;
  verifications: CallVerifications;
  /** The delivery path's receipt handler: a call answered is a message delivered, one never answered is undeliverable. */
  receipt: (provider: string, r: DeliveryReceipt) => Promise<void>;
  soundUrl: (id: string) => string;
  clock: Clock;
  log: Logger;
}

/** What to say next on the call, when the events call for more than the provider's default answer. */
export type CallContinuation = CallStep[] | undefined;

/**
 * The call channels' rules, fed by call events from any telephony provider (the sandbox's virtual
 * phone included): an IVR key approves or fails, an unanswered call moves the workflow on, and an
 * inbound call from a number waiting for a reverse call approves it.
 */
export class CallService {
  constructor(private readonly d: CallServiceDeps) {}

  /**
   * Applies a provider's call events; returns what the call should do next when that is more than
   * the provider's default answer. `account`: inbound calls approve only that account's
   * verifications (a virtual phone's call proves nothing to anybody else).
   */
  async handle(provider: string, events: readonly CallEventRecord[], account?: string): Promise<CallContinuation> {
    let next: CallContinuation;
    for (const e of events) {
      if (e.event.type === 'inbound') await this.inbound(provider, e.providerCallId, e.event.from, e.event.to, account);
      else next = (await this.outbound(provider, e, account)) ?? next;
    }
    return next;
  }

  /**
   * A call from `from` to our number `to` (reverse call): approves the verifications waiting for
   * it and answers their ids; none for a repeated callback of the same call.
   */
  async inbound(provider: string, providerCallId: string, from: string, to: string, account: string | undefined): Promise<string[]> {
    const now = this.d.clock.now();
    // A repeated callback for the same call changes nothing.
    const fresh = await this.d.calls.insertNew({
      id: newId('cal'),
      account_id: account ?? '',
      verification_id: null,
      message_id: null,
      direction: 'inbound',
      provider,
      provider_call_id: providerCallId,
      from,
      to,
      status: 'ended',
      digits: null,
      disposition: 'rejected',
      created_at: now,
      updated_at: now,
    });
    if (!fresh) return [];
    const approved = await this.d.verifications.inboundCall(from, to, account);
    this.d.log.info({ provider, from: maskDestination(from), approved: approved.length }, 'inbound call');
    return approved;
  }

  private async outbound(provider: string, e: CallEventRecord, account: string | undefined): Promise<CallContinuation> {
    const { d } = this;
    const message = e.callId ? await d.outbox.get(e.callId) : await d.outbox.byProviderId(provider, e.providerCallId);
    // A call id echoed by another provider's callback is not that provider's call, and an
    // account's own provider never speaks for another account's calls.
    if (!message || (message.provider !== null && message.provider !== provider) || (account !== undefined && message.account_id !== account)) return undefined;
    const now = d.clock.now();
    await d.calls.insertNew({
      id: newId('cal'),
      account_id: message.account_id,
      verification_id: message.verification_id,
      message_id: message.id,
      direction: 'outbound',
      provider,
      provider_call_id: e.providerCallId,
      from: '',
      to: message.to,
      status: 'ringing',
      digits: null,
      disposition: null,
      created_at: now,
      updated_at: now,
    });
    // The verification, read only by the events that act on it; current: still waiting on this call's step.
    const verification = () => d.verifications.forCall(message.verification_id, message.step, now);
    const receipt = (status: DeliveryReceipt['status'], errorCode?: string) => d.receipt(provider, { providerMessageId: e.providerCallId, status, errorCode });
    const logged =
      (type: TimelineType, data: Record<string, unknown> = {}) =>
      (trx: Transaction<Database>) =>
        d.timeline.append(trx, [{ verificationId: message.verification_id, type, data: { message_id: message.id, provider, ...data } }]);
    const ev = e.event;
    switch (ev.type) {
      case 'ringing':
        return undefined;
      case 'answered':
        // Only a ringing call is answered: a repeated callback writes no second entry.
        await d.calls.update(provider, e.providerCallId, { status: 'answered' }, now, { from: ['ringing'], also: logged('call.answered') });
        await receipt('delivered');
        return undefined;
      case 'dtmf': {
        // The IVR reads the first key: 1 approves, anything else declines; no code is ever keyed.
        await d.calls.update(provider, e.providerCallId, { status: 'answered', digits: ev.digits }, now, { also: logged('call.key', { key: ev.digits.slice(0, 1) }) });
        if (message.channel !== 'ivr') return undefined;
        const v = await verification();
        if (!v) return undefined;
        const confirmed = ev.digits.startsWith('1');
        if (v.current) await (confirmed ? d.verifications.approve(v.id) : d.verifications.fail(v.id, 'ivr_declined'));
        return ivrFollowUp(confirmed && v.current, v.ivr, { locale: v.locale as Locale, brand: await v.brand(), soundUrl: d.soundUrl });
      }
      case 'ended': {
        const known = await d.calls.get(provider, e.providerCallId);
        await d.calls.update(provider, e.providerCallId, { status: 'ended', disposition: ev.disposition }, now, { also: logged('call.ended', { disposition: ev.disposition }) });
        const answered = ev.disposition === 'completed' || known?.status === 'answered';
        // A flash call is meant to ring and be dropped: every end but a network failure means it rang.
        if (message.channel === 'flash_call') return void (await receipt(ev.disposition === 'failed' ? 'undeliverable' : 'delivered', ev.disposition.toUpperCase()));
        if (!answered) return void (await receipt('undeliverable', ev.disposition.toUpperCase().replace('-', '_')));
        // Answered, and the IVR heard no key before the call ended.
        if (message.channel !== 'ivr' || known?.digits) return undefined;
        const v = await verification();
        if (v?.current) await d.verifications.fail(v.id, 'ivr_no_key');
        return undefined;
      }
    }
  }

  /** Retention: the calls placed for these verifications go with them. */
  forget(trx: Transaction<Database>, verificationIds: readonly string[]): Promise<void> {
    return this.d.calls.forget(trx, verificationIds);
  }

  pseudonymize(trx: Transaction<Database>, verificationId: string, pseudonym: string): Promise<void> {
    return this.d.calls.pseudonymize(trx, verificationId, pseudonym);
  }
}
