/**
 * The contract every message provider passes, run against the real server (SMTP, SMPP) or a
 * local HTTP server that checks the vendor's documented wire format. A provider's test file calls
 * `describeProviderContract` with a harness; the far end reports what it received.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageProvider } from '../../src/delivery/provider.js';
import type { OutboundMessage } from '../../src/kernel/message.js';
import type { Channel } from '../../src/kernel/channel.js';
import { refusal } from '../helpers/refusal.js';

export interface ReceivedMessage {
  to: string;
  /** The message text as the recipient sees it (decoded, reassembled when split). */
  text: string;
}

export interface ContractHarness {
  provider: MessageProvider;
  /**
   * false for channels whose vendor sends its own fixed wording around the code (WhatsApp
   * authentication templates): the recipient sees the code, not Verity's text.
   */
  carriesText?: boolean;
  /** The channel and destination the contract sends to. */
  channel: Channel;
  to: string;
  /**
   * Why the far end can never refuse a send, when it cannot (the sandbox accepts everything; its
   * failures are the forced outcomes of magic numbers): the refusal checks are skipped with it.
   */
  neverRefuses?: string;
  /** Everything the far end has accepted so far, oldest first. */
  received(): Promise<ReceivedMessage[]>;
  /** The far end refuses the next send: for good (invalid destination) or for now (throttled, 5xx). */
  refuseNext(kind: 'permanent' | 'temporary'): void;
  close(): Promise<void>;
}

let seq = 0;
export function outbound(h: Pick<ContractHarness, 'channel' | 'to'>, text: string, extra: Partial<OutboundMessage> = {}): OutboundMessage {
  seq += 1;
  return {
    id: `msg_contract${seq}`,
    accountId: 'acc_contract',
    verificationId: `ver_contract${seq}`,
    channel: h.channel,
    to: h.to,
    text,
    code: '482913',
    sender: null,
    locale: 'en',
    ...(h.channel === 'email' ? { subject: 'Your code', html: `<p>${text}</p>` } : {}),
    ...extra,
  };
}

async function waitFor<T>(read: () => Promise<T[]>, count: number, ms = 5000): Promise<T[]> {
  const until = Date.now() + ms;
  for (;;) {
    const got = await read();
    if (got.length >= count || Date.now() > until) return got;
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function describeProviderContract(label: string, make: () => Promise<ContractHarness>): void {
  describe(`provider contract: ${label}`, () => {
    let h: ContractHarness;
    beforeAll(async () => {
      h = await make();
    });
    afterAll(async () => {
      await h?.close();
    });

    it('declares a name, a type and the channel it is tested on', () => {
      expect(h.provider.name).toMatch(/\S/);
      expect(h.provider.type).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(h.provider.capabilities.channels).toContain(h.channel);
    });

    it('delivers the text with the code to the destination and returns the provider message id', async () => {
      const before = (await h.received()).length;
      const receipt = await h.provider.send(outbound(h, 'Your Verity code is 482913'));
      expect(receipt.providerMessageId).toMatch(/\S/);
      expect(['sent', 'delivered']).toContain(receipt.status);
      const got = await waitFor(h.received, before + 1);
      expect(got).toHaveLength(before + 1);
      expect(got.at(-1)?.to).toBe(h.to);
      expect(got.at(-1)?.text).toContain('482913');
    });

    it('gives each message its own provider message id', async () => {
      const a = await h.provider.send(outbound(h, 'code 111111'));
      const b = await h.provider.send(outbound(h, 'code 222222'));
      expect(a.providerMessageId).not.toBe(b.providerMessageId);
    });

    it('keeps non-Latin text intact when it declares unicode support', async () => {
      const text = 'Ваш код 482913 — código ação Indonesia';
      if (!h.provider.capabilities.unicode) {
        // A provider that cannot carry the text must say so for good, not pretend it sent it.
        const err = await refusal(h.provider.send(outbound(h, text)));
        expect(err.retryable).toBe(false);
        return;
      }
      const before = (await h.received()).length;
      await h.provider.send(outbound(h, text));
      const got = await waitFor(h.received, before + 1);
      expect(got.at(-1)?.text).toContain(h.carriesText === false ? '482913' : text);
    });

    it('reports a permanent refusal as a provider error that is not retryable', async (ctx) => {
      if (h.neverRefuses) return ctx.skip(h.neverRefuses);
      h.refuseNext('permanent');
      const err = await refusal(h.provider.send(outbound(h, 'code 333333')));
      expect(err.retryable).toBe(false);
      expect(err.code).toMatch(/^[A-Z0-9_]+$/);
      expect(err.message).not.toContain('333333');
    });

    it('reports a temporary refusal as a retryable provider error', async (ctx) => {
      if (h.neverRefuses) return ctx.skip(h.neverRefuses);
      h.refuseNext('temporary');
      const err = await refusal(h.provider.send(outbound(h, 'code 444444')));
      expect(err.retryable).toBe(true);
      expect(err.message).not.toContain('444444');
    });

    it('sends again after a refusal', async (ctx) => {
      if (h.neverRefuses) return ctx.skip(h.neverRefuses);
      h.refuseNext('temporary');
      await refusal(h.provider.send(outbound(h, 'code 555555')));
      const receipt = await h.provider.send(outbound(h, 'code 666666'));
      expect(receipt.providerMessageId).toMatch(/\S/);
    });
  });
}
