/**
 * The contract every call provider passes: the telephony adapters against loopback fakes of
 * their vendors' clouds, and the sandbox, whose calls ring a virtual phone. A harness places a
 * call the way the delivery path does, shows what the far end was asked to do, and plays the far
 * end's side of the call (the vendor's callbacks, or the virtual phone's actions).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallEvent, CallEventRecord, CallStep, OutboundCall } from '../../src/calls/call-provider.js';
import { refusal } from '../helpers/refusal.js';

export type CallChannel = 'voice' | 'ivr' | 'flash_call';

/** A placed call as the far end got it, whatever its wire format. */
export interface PlacedCallView {
  /** E.164, with +. */
  to: string;
  /** The caller id the call shows, E.164 with +. */
  from: string;
  /** The texts the call speaks, in order. */
  says: string[];
  /** Whether the call waits for a key. */
  gathers: boolean;
}

/** What happens at the far end of a placed call. */
export type FarEnd = 'answered' | 'declined' | 'completed' | { dtmf: string };

export interface CallContractHarness {
  name: string;
  type: string;
  /** The call channels this implementation places. */
  channels: readonly CallChannel[];
  /** The caller id a call shows when its plan names none. */
  defaultFrom: string;
  to: string;
  place(call: OutboundCall, channel: CallChannel): Promise<{ providerCallId: string }>;
  lastPlaced(): Promise<PlacedCallView>;
  /** Plays `what` at the far end of a placed call; the events the implementation reports for it. */
  report(placed: { providerCallId: string; callId: string }, what: FarEnd): Promise<CallEventRecord[]>;
  /**
   * Somebody calls `to` (one of our numbers) from `from`; the events reported. Absent: a reason
   * why this implementation receives no calls.
   */
  inbound?(from: string, to: string): Promise<CallEventRecord[]>;
  noInbound?: string;
  /** A far-end report made with the wrong key, which must be refused. Absent: why there is no signature to forge. */
  forge?(placed: { providerCallId: string; callId: string }): Promise<unknown>;
  unsigned?: string;
  /** Why the far end can never refuse a call, when it cannot: the refusal checks are skipped with it. */
  neverRefuses?: string;
  refuseNext(kind: 'permanent' | 'temporary'): void;
  close(): Promise<void>;
}

let seq = 0;
const CODE_TEXT = 'Your Verity code is 4, 8, 2, 9, 1, 3.';

function outboundCall(h: CallContractHarness, script: CallStep[], extra: Partial<OutboundCall> = {}): OutboundCall {
  seq += 1;
  return { id: `cal_contract${seq}`, accountId: 'acc_contract', verificationId: `ver_contract${seq}`, to: h.to, from: null, script, ringTimeoutS: 30, ...extra };
}

/** What each call channel plans (as the call channels do): the code read twice, an IVR question, a flash call's caller id. */
function planFor(h: CallContractHarness, channel: CallChannel): OutboundCall {
  switch (channel) {
    case 'voice':
      return outboundCall(h, [{ say: CODE_TEXT, locale: 'en' }, { say: CODE_TEXT, locale: 'en' }, { hangup: true }]);
    case 'ivr':
      return outboundCall(h, [{ say: 'Somebody is signing in to Acme as you.', locale: 'en' }, { gather: { timeoutS: 8, prompt: [{ say: 'Press 1 if it is you.', locale: 'en' }] } }]);
    case 'flash_call':
      return outboundCall(h, [], { from: '+4915112345678', ringTimeoutS: 5 });
  }
}

const eventsOf = (records: CallEventRecord[]): CallEvent[] => records.map((r) => r.event);

export function describeCallProviderContract(label: string, make: () => Promise<CallContractHarness>): void {
  describe(`call provider contract: ${label}`, () => {
    let h: CallContractHarness;
    beforeAll(async () => {
      h = await make();
    });
    afterAll(async () => {
      await h?.close();
    });

    it('declares a name, a type and call channels', () => {
      expect(h.name).toMatch(/\S/);
      expect(h.type).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(h.channels.length).toBeGreaterThan(0);
    });

    it('places a voice call to the destination that reads the code twice', async (ctx) => {
      if (!h.channels.includes('voice')) return ctx.skip(`${label} places no voice calls`);
      const placed = await h.place(planFor(h, 'voice'), 'voice');
      expect(placed.providerCallId).toMatch(/\S/);
      const seen = await h.lastPlaced();
      expect(seen).toEqual({ to: h.to, from: h.defaultFrom, says: [CODE_TEXT, CODE_TEXT], gathers: false });
    });

    it('places an IVR call that asks its question and waits for a key', async (ctx) => {
      if (!h.channels.includes('ivr')) return ctx.skip(`${label} places no IVR calls`);
      await h.place(planFor(h, 'ivr'), 'ivr');
      const seen = await h.lastPlaced();
      expect(seen.to).toBe(h.to);
      expect(seen.says).toEqual(['Somebody is signing in to Acme as you.', 'Press 1 if it is you.']);
      expect(seen.gathers).toBe(true);
    });

    it('places a flash call that shows the caller id of the plan and says nothing', async (ctx) => {
      if (!h.channels.includes('flash_call')) return ctx.skip(`${label} cannot set the caller id per call, so places no flash calls`);
      await h.place(planFor(h, 'flash_call'), 'flash_call');
      expect(await h.lastPlaced()).toEqual({ to: h.to, from: '+4915112345678', says: [], gathers: false });
    });

    it('gives each call its own provider call id', async () => {
      const a = await h.place(planFor(h, 'voice'), 'voice');
      const b = await h.place(planFor(h, 'voice'), 'voice');
      expect(a.providerCallId).not.toBe(b.providerCallId);
    });

    it('reports an answered call, the key pressed and the end of the call as events of that call', async () => {
      const call = planFor(h, 'ivr');
      const { providerCallId } = await h.place(call, 'ivr');
      const placed = { providerCallId, callId: call.id };
      const steps: Array<[FarEnd, CallEvent]> = [
        ['answered', { type: 'answered' }],
        [{ dtmf: '1' }, { type: 'dtmf', digits: '1' }],
        ['completed', { type: 'ended', disposition: 'completed' }],
      ];
      for (const [what, expected] of steps) {
        const records = await h.report(placed, what);
        expect(eventsOf(records)).toContainEqual(expected);
        for (const r of records) {
          expect(r.providerCallId).toBe(providerCallId);
          // Where the vendor echoes Verity's call id back, it is the one placed.
          if (r.callId !== undefined) expect(r.callId).toBe(call.id);
        }
      }
    });

    it('reports a call that was declined while ringing as ended, not completed', async () => {
      const call = planFor(h, 'voice');
      const { providerCallId } = await h.place(call, 'voice');
      const records = await h.report({ providerCallId, callId: call.id }, 'declined');
      const ended = eventsOf(records).filter((e) => e.type === 'ended');
      expect(ended).toHaveLength(1);
      expect(['no-answer', 'busy', 'rejected']).toContain((ended[0] as { disposition: string }).disposition);
    });

    it('reports a call to one of our numbers as an inbound call from the caller', async (ctx) => {
      if (!h.inbound) return ctx.skip(h.noInbound ?? `${label} receives no calls`);
      const records = await h.inbound('+5521998765432', '+14155552671');
      expect(eventsOf(records)).toEqual([{ type: 'inbound', from: '+5521998765432', to: '+14155552671' }]);
      expect(records[0]?.providerCallId).toMatch(/\S/);
    });

    it('refuses a forged callback with a final BAD_SIGNATURE', async (ctx) => {
      if (!h.forge) return ctx.skip(h.unsigned ?? `${label} has no signed callbacks`);
      const call = planFor(h, 'voice');
      const { providerCallId } = await h.place(call, 'voice');
      const err = await refusal(h.forge({ providerCallId, callId: call.id }));
      expect([err.code, err.retryable]).toEqual(['BAD_SIGNATURE', false]);
    });

    it('reports a permanent refusal as a provider error that is not retryable, without the number or the code', async (ctx) => {
      if (h.neverRefuses) return ctx.skip(h.neverRefuses);
      h.refuseNext('permanent');
      const err = await refusal(h.place(planFor(h, 'voice'), 'voice'));
      expect(err.retryable).toBe(false);
      expect(err.code).toMatch(/^[A-Z0-9_]+$/);
      for (const secret of [h.to, h.to.slice(1), '4, 8, 2, 9']) expect(err.message).not.toContain(secret);
    });

    it('reports a temporary refusal as a retryable provider error, and places the next call', async (ctx) => {
      if (h.neverRefuses) return ctx.skip(h.neverRefuses);
      h.refuseNext('temporary');
      const err = await refusal(h.place(planFor(h, 'voice'), 'voice'));
      expect(err.retryable).toBe(true);
      for (const secret of [h.to, h.to.slice(1), '4, 8, 2, 9']) expect(err.message).not.toContain(secret);
      const next = await h.place(planFor(h, 'voice'), 'voice');
      expect(next.providerCallId).toMatch(/\S/);
    });
  });
}
