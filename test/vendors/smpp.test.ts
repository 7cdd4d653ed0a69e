import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/kernel/provider-errors.js';
import type { DeliveryReceipt } from '../../src/kernel/message.js';
import type { MessageProvider, ProviderContext } from '../../src/delivery/provider.js';
import { systemClock } from '../../src/lib/clock.js';
import { smppProvider } from '../../src/vendors/smpp/index.js';
import { OutboundGuard } from '../../src/outbound/outbound-guard.js';
import { withDefaults, type SmppOptions } from '../../src/vendors/smpp/options.js';
import { describeProviderContract, outbound } from '../contracts/message-provider-contract.js';
import { LoopbackSmsc } from '../fakes/smpp/loopback-smsc.js';
import { refusal } from '../helpers/refusal.js';

const CREDENTIALS = { systemId: 'verity', password: 'pw0rd42' };
const TO = '+5511987654321';
const ESME = { RINVSRCADR: 0x0a, RINVDSTADR: 0x0b, RSYSERR: 0x08, RMSGQFUL: 0x14, RSUBMITFAIL: 0x45, RTHROTTLED: 0x58 };

/** The SMSC listens on loopback, which only a guard that allows private addresses reaches. */
function context(receipts: DeliveryReceipt[] = [], allowPrivate = true): ProviderContext {
  return {
    name: 'smpp-test',
    log: pino({ level: 'silent' }),
    clock: systemClock,
    onReceipt: (r) => receipts.push(r),
    callbackUrl: 'http://127.0.0.1/v1/providers/smpp-test/callback',
    outbound: new OutboundGuard(allowPrivate),
  };
}

function create(smsc: LoopbackSmsc, options: Partial<SmppOptions>, receipts?: DeliveryReceipt[]): MessageProvider {
  const o = withDefaults({
    host: '127.0.0.1',
    port: options.port ?? smsc.port,
    ...CREDENTIALS,
    responseTimeoutMs: 2000,
    connectTimeoutMs: 2000,
    reconnectMaxS: 0.5,
    ...options,
  });
  return smppProvider.create(o, context(receipts));
}

const open: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
});

/** A fresh SMSC and a provider bound to it, both closed after the test. */
async function rig(options: Partial<SmppOptions> = {}) {
  const smsc = await LoopbackSmsc.start(CREDENTIALS);
  const receipts: DeliveryReceipt[] = [];
  const provider = create(smsc, options, receipts);
  open.push(async () => {
    await provider.close?.();
    await smsc.close();
  });
  const sms = (text: string, extra = {}) => outbound({ channel: 'sms', to: TO }, text, extra);
  return { smsc, provider, receipts, sms };
}

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeProviderContract('smpp', async () => {
  const smsc = await LoopbackSmsc.start(CREDENTIALS);
  const provider = create(smsc, {});
  return {
    provider,
    channel: 'sms',
    to: TO,
    received: async () => smsc.received(),
    refuseNext: (kind) => smsc.plan.push(kind === 'permanent' ? ESME.RINVDSTADR : ESME.RTHROTTLED),
    close: async () => {
      await provider.close?.();
      await smsc.close();
    },
  };
});

describe('smpp provider: the bind', () => {
  it('binds once as a transceiver with the configured system id, password and system type', async () => {
    const { smsc, provider, sms } = await rig({ systemType: 'OTP' });
    await provider.send(sms('code 100001'));
    await provider.send(sms('code 100002'));
    expect(smsc.binds).toEqual([{ command: 'bind_transceiver', ...CREDENTIALS, systemType: 'OTP', interfaceVersion: 0x34, accepted: true }]);
  });

  it('fails sends with a retryable error while the SMSC refuses the password, and keeps retrying the bind', async () => {
    const { smsc, provider, sms } = await rig({ password: 'wrong', connectTimeoutMs: 400 });
    const err = await refusal(provider.send(sms('code 200001')));
    expect(err.code).toBe('CONNECTION_FAILED');
    expect(err.retryable).toBe(true);
    expect(err.message).not.toContain('wrong');
    await until(() => smsc.binds.length >= 3);
    expect(smsc.binds.every((b) => !b.accepted && b.password === 'wrong')).toBe(true);
    expect(smsc.submits).toHaveLength(0);
  });

  it('fails a send with a retryable CONNECTION_FAILED when no SMSC listens', async () => {
    const { smsc } = await rig();
    const port = smsc.port;
    await smsc.close();
    const provider = create(smsc, { port, connectTimeoutMs: 300 });
    open.push(async () => provider.close?.());
    const err = await refusal(provider.send(outbound({ channel: 'sms', to: TO }, 'code 250001')));
    expect({ code: err.code, retryable: err.retryable }).toEqual({ code: 'CONNECTION_FAILED', retryable: true });
  });

  it('delivers a send that waited while binds were refused once the SMSC accepts the bind', async () => {
    const { smsc, provider, sms } = await rig({ connectTimeoutMs: 3000 });
    smsc.acceptBinds = false;
    await until(() => smsc.binds.length >= 1);
    const pending = provider.send(sms('code 300001'));
    await until(() => smsc.binds.length >= 2);
    smsc.acceptBinds = true;
    await expect(pending).resolves.toMatchObject({ status: 'sent' });
    expect(smsc.received().map((m) => m.text)).toEqual(['code 300001']);
  });

  it('sends enquire_link while idle', async () => {
    const { smsc } = await rig({ enquireLinkS: 0.1 });
    await until(() => smsc.enquireLinks >= 3);
    expect(smsc.binds).toHaveLength(1);
  });

  it('treats an unanswered enquire_link as a dropped link and binds again', async () => {
    const { smsc, provider, sms } = await rig({ enquireLinkS: 0.1, responseTimeoutMs: 200 });
    smsc.answerEnquireLink = false;
    await until(() => smsc.binds.length >= 2);
    smsc.answerEnquireLink = true;
    await expect(provider.send(sms('code 400001'))).resolves.toMatchObject({ status: 'sent' });
  });

  it('reconnects after the SMSC drops the link and sends again', async () => {
    const { smsc, provider, sms } = await rig();
    await provider.send(sms('code 500001'));
    smsc.dropLink();
    await until(() => smsc.binds.length === 2);
    await expect(provider.send(sms('code 500002'))).resolves.toMatchObject({ status: 'sent' });
    expect(smsc.binds).toHaveLength(2);
    expect(smsc.received().map((m) => m.text)).toEqual(['code 500001', 'code 500002']);
  });

  it('unbinds and closes on close(), then neither reconnects nor sends', async () => {
    const { smsc, provider, sms } = await rig();
    await provider.send(sms('code 600001'));
    await provider.close?.();
    expect(smsc.unbinds).toBe(1);
    await until(() => smsc.boundSessions === 0);
    await sleep(700);
    expect(smsc.binds).toHaveLength(1);
    const err = await refusal(provider.send(sms('code 600002')));
    expect(err.code).toBe('PROVIDER_CLOSED');
  });
});

describe('smpp provider: submit_sm', () => {
  it('asks for a delivery receipt and addresses the number internationally from the alphanumeric sender', async () => {
    const { smsc, provider, sms } = await rig();
    await provider.send(sms('code 700001'));
    expect(smsc.submits[0]).toMatchObject({
      registeredDelivery: 1,
      destination: '5511987654321',
      destTon: 1,
      destNpi: 1,
      sourceAddr: 'Verity',
      sourceTon: 5,
      sourceNpi: 0,
    });
  });

  it("uses the message's sender: a number as TON 1 / NPI 1, letters as TON 5 / NPI 0", async () => {
    const { smsc, provider, sms } = await rig({ sourceAddr: 'Fallback' });
    await provider.send(sms('code 700002', { sender: '+15551234567' }));
    await provider.send(sms('code 700003', { sender: 'Acme' }));
    expect(smsc.submits.map((s) => [s.sourceAddr, s.sourceTon, s.sourceNpi])).toEqual([
      ['15551234567', 1, 1],
      ['Acme', 5, 0],
    ]);
  });

  it('returns the message_id of the submit_sm_resp', async () => {
    const { smsc, provider, sms } = await rig();
    const receipt = await provider.send(sms('code 700004'));
    expect(receipt).toEqual({ providerMessageId: smsc.submits[0]?.messageId, status: 'sent' });
  });

  it.each([
    ['ESME_RTHROTTLED', 'THROTTLED', true, ESME.RTHROTTLED],
    ['ESME_RMSGQFUL', 'THROTTLED', true, ESME.RMSGQFUL],
    ['ESME_RSYSERR', 'SMSC_UNAVAILABLE', true, ESME.RSYSERR],
    ['ESME_RINVDSTADR', 'INVALID_DESTINATION', false, ESME.RINVDSTADR],
    ['ESME_RINVSRCADR', 'INVALID_SENDER', false, ESME.RINVSRCADR],
    ['ESME_RSUBMITFAIL', 'SUBMIT_REJECTED', false, ESME.RSUBMITFAIL],
  ])('reports %s as %s (retryable: %s)', async (name, code, retryable, status) => {
    const { smsc, provider, sms } = await rig();
    smsc.plan.push(status);
    const err = await refusal(provider.send(sms('code 800001')));
    expect({ code: err.code, retryable: err.retryable }).toEqual({ code, retryable });
    expect(err.message).toContain(name);
    expect(err.message).not.toMatch(/800001|5511987654321/);
  });

  it('reports a submit the SMSC never answers as a retryable TIMEOUT', async () => {
    const { smsc, provider, sms } = await rig({ responseTimeoutMs: 250 });
    smsc.plan.push('silent');
    const err = await refusal(provider.send(sms('code 800002')));
    expect({ code: err.code, retryable: err.retryable }).toEqual({ code: 'TIMEOUT', retryable: true });
    await expect(provider.send(sms('code 800003'))).resolves.toMatchObject({ status: 'sent' });
  });

  it('refuses a destination that is not E.164 without submitting it', async () => {
    const { smsc, provider, sms } = await rig();
    const err = await refusal(provider.send(sms('code 800004', { to: '011987654321' })));
    expect({ code: err.code, retryable: err.retryable }).toEqual({ code: 'INVALID_DESTINATION', retryable: false });
    expect(smsc.submits).toHaveLength(0);
  });

  it('keeps at most windowSize submits outstanding and submits the rest in order', async () => {
    const { smsc, provider, sms } = await rig({ windowSize: 3 });
    smsc.responseDelayMs = 40;
    const texts = Array.from({ length: 12 }, (_, i) => `window ${i}`);
    const results = await Promise.all(texts.map((t) => provider.send(sms(t))));
    expect(results.every((r) => r.status === 'sent')).toBe(true);
    expect(smsc.maxOutstanding).toBe(3);
    expect(smsc.submits.map((s) => s.text)).toEqual(texts);
  });
});

describe('smpp provider: delivery receipts', () => {
  const receiptText = (id: string, stat: string, err = '000') => Buffer.from(`id:${id} sub:001 dlvrd:001 submit date:2501011200 done date:2501011201 stat:${stat} err:${err} text:Your code`, 'ascii');
  const receiptPdu = (short_message: Buffer, tlvs: Record<string, unknown> = {}) => ({
    source_addr: '5511987654321',
    destination_addr: 'Verity',
    esm_class: 0x04,
    data_coding: 0,
    short_message,
    ...tlvs,
  });

  it('reports a DELIVRD receipt as delivered and answers it with deliver_sm_resp', async () => {
    const { smsc, provider, receipts, sms } = await rig();
    const { providerMessageId } = await provider.send(sms('code 900001'));
    const resp = await smsc.deliver(receiptPdu(receiptText(providerMessageId, 'DELIVRD')));
    expect(resp).toMatchObject({ command: 'deliver_sm_resp', command_status: 0 });
    expect(receipts).toEqual([{ providerMessageId, status: 'delivered', errorCode: undefined }]);
  });

  it.each(['UNDELIV', 'REJECTD', 'EXPIRED', 'DELETED', 'UNKNOWN'])('reports a %s receipt as undeliverable with its error code', async (stat) => {
    const { smsc, receipts } = await rig();
    await until(() => smsc.boundSessions === 1);
    const resp = await smsc.deliver(receiptPdu(receiptText('a_b@1', stat, '012')));
    expect(resp.command_status).toBe(0);
    // `_` and `@` survive: the receipt text is read as octets, not as GSM 03.38.
    expect(receipts).toEqual([{ providerMessageId: 'a_b@1', status: 'undeliverable', errorCode: '012' }]);
  });

  it('prefers the receipted_message_id and message_state TLVs over the text', async () => {
    const { smsc, receipts } = await rig();
    await until(() => smsc.boundSessions === 1);
    await smsc.deliver(receiptPdu(receiptText('text-id', 'DELIVRD'), { receipted_message_id: 'tlv-id', message_state: 5 }));
    expect(receipts).toEqual([{ providerMessageId: 'tlv-id', status: 'undeliverable', errorCode: undefined }]);
  });

  it('still answers a receipt and keeps the bind when the receipt handler throws', async () => {
    const { smsc, provider, sms } = await rig();
    await provider.send(sms('code 900002'));
    const ctx = {
      ...context(),
      onReceipt: () => {
        throw new Error('store is down');
      },
    };
    const failing = smppProvider.create(withDefaults({ host: '127.0.0.1', port: smsc.port, ...CREDENTIALS }), ctx);
    open.push(async () => failing.close?.());
    await until(() => smsc.boundSessions === 2);
    const resps = [];
    for (let i = 0; i < 2; i += 1) resps.push(await smsc.deliver(receiptPdu(receiptText(`r${i}`, 'DELIVRD')), 1));
    expect(resps.map((r) => r.command_status)).toEqual([0, 0]);
    expect(smsc.binds).toHaveLength(2);
  });

  it('answers but does not report ACCEPTD / ENROUTE receipts and mobile-originated SMS', async () => {
    const { smsc, receipts } = await rig();
    await until(() => smsc.boundSessions === 1);
    const answers = [
      await smsc.deliver(receiptPdu(receiptText('x1', 'ACCEPTD'))),
      await smsc.deliver(receiptPdu(receiptText('x2', 'ENROUTE'))),
      await smsc.deliver({ source_addr: '5511987654321', destination_addr: 'Verity', esm_class: 0, short_message: 'STOP id:x3 stat:DELIVRD' }),
    ];
    expect(answers.map((a) => [a.command, a.command_status])).toEqual(Array(3).fill(['deliver_sm_resp', 0]));
    expect(receipts).toEqual([]);
  });
});

describe('smpp provider: encoding and long messages', () => {
  it.each([
    ['plain English', 0, 'Your Verity code is 482913'],
    ['GSM-7 accents and extension characters', 0, 'Grüße Émile, año: {482913} [5€] ~|^\\'],
    ['Indonesian (plain Latin letters: GSM-7)', 0, 'Kode verifikasi Anda 482913. Jangan berikan kode ini kepada siapa pun.'],
    ['Portuguese accents outside GSM-7', 8, 'Seu código de verificação é 482913'],
    ['Cyrillic', 8, 'Ваш код подтверждения: 482913'],
    ['emoji (a surrogate pair)', 8, '🔐 482913'],
  ])('sends %s with data_coding %i and the text intact', async (_, dataCoding, text) => {
    const { smsc, provider, sms } = await rig();
    await provider.send(sms(text));
    expect(smsc.submits.map((s) => [s.dataCoding, s.esmClass])).toEqual([[dataCoding, 0]]);
    expect(smsc.received()).toEqual([{ to: TO, text }]);
  });

  it.each([
    ['400 GSM-7 characters', [153, 153, 94], 0, 'Your code is 482913. '.repeat(20).slice(0, 400)],
    ['150 Cyrillic characters', [67, 67, 16], 8, 'Ваш код 482913. '.repeat(10).slice(0, 150)],
    ['160 GSM-7 characters', [160], 0, 'x'.repeat(160)],
    ['161 GSM-7 characters', [153, 8], 0, 'x'.repeat(161)],
    ['70 UCS-2 characters', [70], 8, 'Ж'.repeat(70)],
    ['71 UCS-2 characters', [67, 4], 8, 'Ж'.repeat(71)],
    ['an escape character at a part boundary', [152, 11], 0, `${'a'.repeat(152)}€${'b'.repeat(10)}`],
    ['a surrogate pair at a part boundary', [66, 12], 8, `${'Ж'.repeat(66)}😀${'Ж'.repeat(10)}`],
  ])('sends %s as parts of %j characters, one UDH reference, reassembling exactly', async (_, lengths, dataCoding, text) => {
    const { smsc, provider, sms } = await rig();
    const { providerMessageId } = await provider.send(sms(text));
    const parts = smsc.submits;
    expect(parts.map((p) => p.text.length)).toEqual(lengths);
    expect(parts.every((p) => p.dataCoding === dataCoding)).toBe(true);
    if (lengths.length > 1) {
      expect(new Set(parts.map((p) => p.concat?.ref)).size).toBe(1);
      expect(parts.map((p) => [p.concat?.seq, p.concat?.total, p.esmClass])).toEqual(lengths.map((_, i) => [i + 1, lengths.length, 0x40]));
    } else {
      expect(parts[0]?.concat).toBeUndefined();
    }
    expect(providerMessageId).toBe(parts[0]?.messageId);
    expect(smsc.received()).toEqual([{ to: TO, text }]);
  });

  it('gives each long message its own concatenation reference', async () => {
    const { smsc, provider, sms } = await rig();
    await provider.send(sms('a'.repeat(200)));
    await provider.send(sms('b'.repeat(200)));
    const refs = smsc.submits.map((s) => s.concat?.ref);
    expect(refs[0]).toBe(refs[1]);
    expect(refs[2]).toBe(refs[3]);
    expect(refs[0]).not.toBe(refs[2]);
  });

  it('fails the send when a later part is refused, and submits no part after it', async () => {
    const { smsc, provider, sms } = await rig();
    smsc.plan.push('accept', ESME.RTHROTTLED);
    const err = await refusal(provider.send(sms('z'.repeat(400))));
    expect({ code: err.code, retryable: err.retryable }).toEqual({ code: 'THROTTLED', retryable: true });
    expect(smsc.submits).toHaveLength(2);
  });
});

describe('smpp provider: the link drops in the middle of a window', () => {
  it('reports answered submits as sent, unanswered ones as retryable, and re-sending them acknowledges each message exactly once', async () => {
    const { smsc, provider, sms } = await rig({ windowSize: 10, connectTimeoutMs: 3000 });
    smsc.dropMidWindow = { after: 10, answer: 4 };
    const texts = Array.from({ length: 10 }, (_, i) => `fault ${i}`);
    const first = await Promise.allSettled(texts.map((t) => provider.send(sms(t))));

    const sent = texts.filter((_, i) => first[i]?.status === 'fulfilled');
    const failed = texts.filter((_, i) => first[i]?.status === 'rejected');
    expect(sent).toEqual(texts.slice(0, 4));
    const ids = first.flatMap((r) => (r.status === 'fulfilled' ? [r.value.providerMessageId] : []));
    expect(ids).toEqual(smsc.submits.slice(0, 4).map((s) => s.messageId));
    for (const r of first) {
      if (r.status === 'rejected') {
        expect(r.reason).toBeInstanceOf(ProviderError);
        expect(r.reason).toMatchObject({ code: 'CONNECTION_LOST', retryable: true });
      }
    }

    // What the durable outbox does: send the failed ones again; the provider waits for the rebind.
    const again = await Promise.all(failed.map((t) => provider.send(sms(t))));
    expect(again.every((r) => r.status === 'sent')).toBe(true);
    expect(smsc.binds).toHaveLength(2);

    for (const text of texts) {
      const submits = smsc.submits.filter((s) => s.text === text);
      const acks = submits.filter((s) => s.status === 0);
      expect(acks, text).toHaveLength(1);
      expect(submits, text).toHaveLength(sent.includes(text) ? 1 : 2);
    }
    expect(
      smsc
        .received()
        .map((m) => m.text)
        .sort(),
    ).toEqual([...texts].sort());
  }, 10_000);
});
