/**
 * Every call provider under the one call contract: Twilio Voice and Vonage Voice against the
 * loopback fakes of their clouds (callbacks signed the way each vendor documents), and the
 * sandbox, whose calls ring a virtual phone on a real database.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { CallbackRequest } from '../../src/kernel/message.js';
import { migrate, openDatabase } from '../../src/db/database.js';
import { OperatorStore } from '../../src/silent/operator-store.js';
import { SilentEngine } from '../../src/silent/silent-engine.js';
import { SimulatedOperator } from '../../src/silent/simulated-operator.js';
import { InboxStore } from '../../src/sandbox/inbox-store.js';
import { PhoneStore } from '../../src/sandbox/phone-store.js';
import { SANDBOX_CALLER_ID, SandboxProvider } from '../../src/sandbox/sandbox-provider.js';
import { VirtualPhone } from '../../src/sandbox/virtual-phone.js';
import { callbackUrlFor, type CallEventRecord, type CallProvider, type CallStep } from '../../src/calls/call-provider.js';
import { twilioVoiceProvider } from '../../src/vendors/twilio/voice/index.js';
import { vonageVoiceProvider } from '../../src/vendors/vonage/voice/index.js';
import { providerContext } from '../fakes/fake-server.js';
import { startTwilioVoiceFake, twilioError } from '../fakes/twilio/voice-fake.js';
import { twilioCallParams, twilioInboundParams, twilioSignature } from '../fakes/twilio/voice-webhooks.js';
import { startVonageVoiceFake, vonageProblem } from '../fakes/vonage/voice-fake.js';
import { vonageWebhookAuthorization } from '../fakes/vonage/voice-webhooks.js';
import { describeCallProviderContract, type FarEnd } from './call-provider-contract.js';

const TO = '+5511987654321';
const unescapeXml = (s: string) => s.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&amp;', '&');

describeCallProviderContract('twilio-voice', async () => {
  const ACCOUNT = `AC${'0123456789abcdef'.repeat(2)}`;
  const TOKEN = 'tw-voice-contract-token-4c3b';
  const FROM = '+15005550006';
  const fake = await startTwilioVoiceFake(ACCOUNT, TOKEN);
  const ctx = providerContext('twilio-voice-contract');
  const provider = twilioVoiceProvider.create({ accountSid: ACCOUNT, authToken: TOKEN, from: FROM, baseUrl: fake.url, timeoutMs: 2000 }, ctx);
  // Twilio's request to a callback URL: the form, signed with the Auth Token over URL and fields.
  const callback = (url: string, query: Record<string, string>, params: Record<string, string>, token = TOKEN): CallbackRequest => ({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(token, url, params) },
    query,
    rawBody: new URLSearchParams(params).toString(),
  });
  const status: Record<Exclude<FarEnd, { dtmf: string }>, string> = { answered: 'in-progress', completed: 'completed', declined: 'no-answer' };
  const report = (placed: { providerCallId: string; callId: string }, what: FarEnd, token = TOKEN): CallbackRequest => {
    const event = typeof what === 'object' ? 'gather' : 'status';
    const extra: Record<string, string> = typeof what === 'object' ? { CallStatus: 'in-progress', Digits: what.dtmf } : { CallStatus: status[what] };
    return callback(callbackUrlFor(ctx.callbackUrl, event, placed.callId), { event, call: placed.callId }, twilioCallParams(ACCOUNT, placed.providerCallId, FROM, TO, extra), token);
  };
  return {
    name: provider.name,
    type: provider.type,
    channels: ['voice', 'ivr', 'flash_call'],
    defaultFrom: FROM,
    to: TO,
    place: (call) => provider.placeCall(call),
    lastPlaced: async () => {
      const form = fake.placed.at(-1)?.form ?? new URLSearchParams();
      const twiml = form.get('Twiml') ?? '';
      return { to: form.get('To') ?? '', from: form.get('From') ?? '', says: [...twiml.matchAll(/<Say[^>]*>([^<]*)<\/Say>/g)].map((m) => unescapeXml(m[1] ?? '')), gathers: twiml.includes('<Gather') };
    },
    report: async (placed, what) => (await provider.parseCallback(report(placed, what))).events,
    inbound: async (from, to) => (await provider.parseCallback(callback(ctx.callbackUrl, {}, twilioInboundParams(ACCOUNT, `CA${'cd'.repeat(16)}`, from, to)))).events,
    forge: async (placed) => provider.parseCallback(report(placed, 'completed', 'not-the-auth-token')),
    refuseNext: (kind) =>
      fake.replyNext(kind === 'permanent' ? twilioError(400, 21211, `The phone number you are attempting to call, ${TO}, is not valid.`) : twilioError(503, 20503, 'Service unavailable')),
    close: () => fake.close(),
  };
});

describeCallProviderContract('vonage-voice', async () => {
  const APP_ID = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const SIG_SECRET = 'vonage-voice-contract-secret-9e8d7c';
  const FROM = '447700900001';
  const fake = await startVonageVoiceFake(APP_ID, publicKey);
  const ctx = providerContext('vonage-voice-contract');
  const provider: CallProvider = vonageVoiceProvider.create(
    { applicationId: APP_ID, privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), from: FROM, signatureSecret: SIG_SECRET, baseUrl: fake.url, timeoutMs: 2000 },
    ctx,
  );
  // Vonage's signed webhook: a JSON body, and an HS256 JWT over its hash with the signature secret.
  const callback = (url: string, query: Record<string, string>, body: Record<string, unknown>, secret = SIG_SECRET): CallbackRequest => {
    const rawBody = JSON.stringify(body);
    return { method: 'POST', url, headers: { 'content-type': 'application/json', authorization: vonageWebhookAuthorization(rawBody, secret, Math.floor(Date.now() / 1000), APP_ID) }, query, rawBody };
  };
  const status: Record<Exclude<FarEnd, { dtmf: string }>, string> = { answered: 'answered', completed: 'completed', declined: 'rejected' };
  const report = (placed: { providerCallId: string; callId: string }, what: FarEnd, secret = SIG_SECRET): CallbackRequest => {
    const event = typeof what === 'object' ? 'gather' : 'status';
    const common = { from: FROM, to: TO.slice(1), uuid: placed.providerCallId, conversation_uuid: 'CON-contract', timestamp: new Date().toISOString() };
    const body = typeof what === 'object' ? { ...common, dtmf: { digits: what.dtmf, timed_out: false } } : { ...common, status: status[what], direction: 'outbound' };
    return callback(callbackUrlFor(ctx.callbackUrl, event, placed.callId), { event, call: placed.callId }, body, secret);
  };
  const e164 = (n: unknown) => `+${String(n)}`;
  return {
    name: provider.name,
    type: provider.type,
    channels: ['voice', 'ivr', 'flash_call'],
    defaultFrom: e164(FROM),
    to: TO,
    place: (call) => provider.placeCall(call),
    lastPlaced: async () => {
      const body = fake.placed.at(-1)?.body ?? {};
      const ncco = (body.ncco ?? []) as Array<{ action: string; text?: string }>;
      return {
        to: e164((body.to as Array<{ number: string }>)[0]?.number),
        from: e164((body.from as { number: string }).number),
        says: ncco.filter((a) => a.action === 'talk').map((a) => a.text ?? ''),
        gathers: ncco.some((a) => a.action === 'input'),
      };
    },
    report: async (placed, what) => (await provider.parseCallback(report(placed, what))).events,
    inbound: async (from, to) => {
      const answer = { to: to.slice(1), from: from.slice(1), uuid: '63f61863-4a51-4f6b-86e1-46edebcf9356', conversation_uuid: 'CON-inbound' };
      return (await provider.parseCallback(callback(`${ctx.callbackUrl}?event=inbound`, { event: 'inbound' }, answer))).events;
    },
    forge: async (placed) => provider.parseCallback(report(placed, 'completed', 'not-the-signature-secret')),
    refuseNext: (kind) => fake.replyNext(kind === 'permanent' ? vonageProblem(400, 'Bad Request', `Cannot call ${TO.slice(1)}`) : vonageProblem(503, 'Service Unavailable', 'Try again later')),
    close: () => fake.close(),
  };
});

describeCallProviderContract('sandbox (virtual phone)', async () => {
  const ACCOUNT = 'acc_contract';
  const database = openDatabase('sqlite::memory:');
  await migrate(database);
  // One millisecond later at every reading, so the phone lists its calls in the order they rang.
  let t = Date.parse('2026-01-01T00:00:00Z');
  const clock = { now: () => (t += 1) };
  const phones = new PhoneStore(database);
  const provider = new SandboxProvider(new InboxStore(database), phones, clock, []);
  // Where the phone reports its calls: the events it hands the call channels are what it reports.
  const reported: CallEventRecord[] = [];
  const sink = {
    handle: async (_provider: string, events: readonly CallEventRecord[]) => {
      reported.push(...events);
      return undefined;
    },
    // A reverse call reaches the call channels as the caller, the number called and the call's id.
    inbound: async (_provider: string, providerCallId: string, from: string, to: string) => {
      reported.push({ providerCallId, event: { type: 'inbound', from, to } });
      return [];
    },
  };
  const operators = new OperatorStore(database);
  const phone = new VirtualPhone(phones, sink, new SimulatedOperator(operators, new SilentEngine(operators, clock, 0), clock), clock);
  const during = async (act: () => Promise<unknown>): Promise<CallEventRecord[]> => {
    const before = reported.length;
    await act();
    return reported.slice(before);
  };
  const spoken = (steps: CallStep[]): string[] => steps.flatMap((s) => ('say' in s ? [s.say] : 'gather' in s ? spoken(s.gather.prompt) : []));
  return {
    name: provider.name,
    type: provider.type,
    channels: ['voice', 'ivr', 'flash_call'],
    defaultFrom: SANDBOX_CALLER_ID,
    to: TO,
    place: async (call, channel) => {
      const receipt = await provider.send({
        id: call.id,
        accountId: call.accountId,
        verificationId: call.verificationId,
        channel,
        to: call.to,
        text: '',
        code: '482913',
        sender: null,
        locale: 'en',
        call: { from: call.from, script: call.script, ringTimeoutS: call.ringTimeoutS },
      });
      return { providerCallId: receipt.providerMessageId };
    },
    lastPlaced: async () => {
      const [row] = await phones.list(ACCOUNT, TO, 1);
      const script = JSON.parse(row?.script ?? '[]') as CallStep[];
      return { to: row?.to ?? '', from: row?.from ?? '', says: spoken(script), gathers: script.some((s) => 'gather' in s) };
    },
    report: (placed, what) =>
      during(() => {
        if (typeof what === 'object') return phone.press(ACCOUNT, TO, placed.providerCallId, what.dtmf);
        if (what === 'answered') return phone.answer(ACCOUNT, TO, placed.providerCallId);
        return phone.hangup(ACCOUNT, TO, placed.providerCallId);
      }),
    inbound: (from, to) => during(() => phone.dial(ACCOUNT, from, to)),
    unsigned: 'the virtual phone is driven through the account’s own authenticated API, so it has no vendor signature to forge',
    neverRefuses: 'the sandbox rings every call; its failures are the forced outcomes of magic numbers',
    refuseNext: () => undefined,
    close: () => database.close(),
  };
});
