/**
 * Every channel end to end through the typed client, against a listening Verity and its sandbox:
 * codes come from the dev inbox, calls are answered, keyed and dialled on the virtual phone.
 */
import { type Channel, createVerity, type Verity } from '@verity/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type RunningVerity, startVerity } from './verity-server.js';

const POOL = '+5511955550000';

describe('the typed client verifies on every channel through the sandbox', () => {
  let server: RunningVerity;
  let verity: Verity;

  beforeAll(async () => {
    server = await startVerity();
    verity = createVerity({ baseUrl: server.url, keyId: server.keyId, secret: server.secret });
    // The pool numbers a reverse call gives out and a flash call rings from.
    for (const body of [
      { number: POOL, purpose: 'reverse_call' as const },
      { number: '+5511955XXXXXX', purpose: 'flash_call' as const, country: 'BR' },
    ]) {
      const r = await verity.api.POST('/v1/numbers', { body });
      expect(r.response.status, JSON.stringify(r.error)).toBe(201);
    }
  });
  afterAll(async () => server?.close());

  /** The code the sandbox delivered for this verification, once the worker has sent it. */
  const deliveredCode = async (to: string, verificationId: string) => {
    const inbox = () => verity.api.GET('/v1/sandbox/messages', { params: { query: { to } } });
    const r = await eventually(inbox, (x) => x.data?.messages.some((m) => m.verification_id === verificationId) ?? false);
    const code = r.data?.messages.find((m) => m.verification_id === verificationId)?.code;
    if (!code) throw new Error(`nothing delivered to ${to}: ${JSON.stringify(r.data ?? r.error)}`);
    return code;
  };

  /** The call ringing the virtual phone for this verification. */
  const ringing = async (number: string, verificationId: string) => {
    const phone = () => verity.api.GET('/v1/sandbox/phones/{number}', { params: { path: { number } } });
    const r = await eventually(phone, (x) => x.data?.calls.some((c) => c.verification_id === verificationId && c.status === 'ringing') ?? false);
    const call = r.data?.calls.find((c) => c.verification_id === verificationId && c.status === 'ringing');
    if (!call) throw new Error(`no call rang ${number}: ${JSON.stringify(r.data ?? r.error)}`);
    return call;
  };
  const callAction = (number: string, id: string) => ({ params: { path: { number, id } } });

  const codeChannels: Array<[Channel, string]> = [
    ['sms', '+5511987650101'],
    ['whatsapp', '+5511987650102'],
    ['rcs', '+5511987650103'],
    ['email', 'sdk-user@example.com'],
  ];
  for (const [channel, to] of codeChannels) {
    it(`${channel}: the code from the inbox approves, after a wrong one is counted`, async () => {
      const v = await verity.verifications.start({ to, channel });
      expect(v).toMatchObject({ status: 'pending', channel });
      const code = await deliveredCode(to, v.id);
      const wrong = code === '000000' ? '111111' : '000000';
      expect(await verity.verifications.check(v.id, wrong.slice(0, code.length))).toMatchObject({ valid: false, status: 'pending', attempts: 1 });
      expect(await verity.verifications.check(v.id, code)).toMatchObject({ valid: true, status: 'approved' });
      expect((await verity.verifications.get(v.id)).status).toBe('approved');
    });
  }

  it('voice: the answered call reads the code, and that code approves', async () => {
    const to = '+551133330104';
    const v = await verity.verifications.start({ to, channel: 'voice' });
    const call = await ringing(to, v.id);
    const answered = await verity.api.POST('/v1/sandbox/phones/{number}/calls/{id}/answer', callAction(to, call.id));
    const code = await deliveredCode(to, v.id);
    expect(JSON.stringify(answered.data?.heard)).toContain([...code].join(', '));
    expect(await verity.verifications.check(v.id, code)).toMatchObject({ valid: true, status: 'approved' });
  });

  it('ivr: answering and pressing 1 approves', async () => {
    const to = '+5511987650105';
    const v = await verity.verifications.start({ to, channel: 'ivr' });
    const call = await ringing(to, v.id);
    await verity.api.POST('/v1/sandbox/phones/{number}/calls/{id}/answer', callAction(to, call.id));
    const pressed = await verity.api.POST('/v1/sandbox/phones/{number}/calls/{id}/keys', { ...callAction(to, call.id), body: { digits: '1' } });
    expect(pressed.data?.call).toMatchObject({ status: 'ended', digits: '1' });
    expect((await verity.verifications.get(v.id)).status).toBe('approved');
  });

  it('flash_call: the caller id of the missed call, as the app reads it, approves', async () => {
    const to = '+5511987650106';
    const v = await verity.verifications.start({ to, channel: 'flash_call' });
    const call = await ringing(to, v.id);
    expect(call.from).toMatch(/^\+5511955\d{6}$/);
    expect(await verity.verifications.check(v.id, call.from)).toMatchObject({ valid: true, status: 'approved' });
  });

  it('reverse_call: the phone dials the number the start gave out, and that approves', async () => {
    const to = '+5511987650107';
    const v = await verity.verifications.start({ to, channel: 'reverse_call' });
    expect(v.call_to).toBe(POOL);
    const dial = await verity.api.POST('/v1/sandbox/phones/{number}/dial', { params: { path: { number: to } }, body: { to: POOL } });
    expect(dial.response.status).toBe(200);
    expect((await verity.verifications.get(v.id)).status).toBe('approved');
  });

  it('silent: a phone online on the simulated operator is approved by the start itself', async () => {
    const to = '+5511987650108';
    const device = { ip: '198.51.100.7', port: 40001 };
    const online = await verity.api.POST('/v1/sandbox/phones/{number}/online', { params: { path: { number: to } }, body: device });
    expect(online.response.status).toBe(204);
    const v = await verity.verifications.start({ to, channel: 'silent', device });
    expect(v).toMatchObject({ status: 'approved', channel: 'silent' });
  });

  it('the timeline of an approved verification reads from started to approved', async () => {
    // A magic test number: its code is always 123456.
    const v = await verity.verifications.start({ to: '+15005550006', channel: 'sms' });
    await verity.verifications.check(v.id, '123456');
    const events = await verity.verifications.events(v.id);
    expect(events[0]?.type).toBe('started');
    expect(events.map((e) => e.type)).toContain('approved');
  });
});
