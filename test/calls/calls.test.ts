/**
 * The call and network channels end to end through the sandbox: the virtual phone answers,
 * presses keys, hangs up, dials and goes online, exactly as a person would, and the
 * verification API shows the outcome.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnBackends, lastCode, startTestApp, type TestApp } from '../helpers/test-app.js';
import { silentWav as wav } from '../helpers/audio.js';

const MOBILE = '+5511987654321';
const FIXED = '+551133334444';
const POOL = '+5511955550000';
const enc = encodeURIComponent;

describeOnBackends('call and network channels through the sandbox', (backend) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(backend, { env: { LIMIT_SEND_PER_DESTINATION: '0/600', LIMIT_GUESS_PER_DESTINATION: '0/600' } });
    expect((await t.post('/v1/numbers', { number: POOL, purpose: 'reverse_call' })).status).toBe(201);
    expect((await t.post('/v1/numbers', { number: '+5511955XXXXXX', purpose: 'flash_call', country: 'BR' })).status).toBe(201);
  });
  afterAll(async () => t?.close());

  const start = async (body: Record<string, unknown>) => {
    const r = await t.post('/v1/verifications', body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { id: string; status: string; channel: string; call_to: string | null };
  };
  const status = async (id: string) => (await t.get(`/v1/verifications/${id}`)).body.status as string;
  const phone = async (n: string) => (await t.get(`/v1/sandbox/phones/${enc(n)}`)).body;
  const ringing = async (n: string, verificationId: string) => {
    const call = (await phone(n)).calls.find((c: { verification_id: string; status: string }) => c.verification_id === verificationId);
    expect(call?.status).toBe('ringing');
    return call as { id: string; from: string; script: unknown[] };
  };
  const act = (n: string, id: string, what: string, body?: unknown) => t.post(`/v1/sandbox/phones/${enc(n)}/calls/${id}/${what}`, body);

  it('voice: the phone rings, the answered call reads the code twice digit by digit, and the code approves', async () => {
    const v = await start({ to: FIXED, channel: 'voice', locale: 'pt-BR' });
    const call = await ringing(FIXED, v.id);
    const answered = await act(FIXED, call.id, 'answer');
    expect(answered.status).toBe(200);
    const code = await lastCode(t, FIXED);
    const spoken = [...code].join(', ');
    expect(answered.body.heard[0]).toEqual({ say: expect.stringContaining(`${spoken}. Repetindo: ${spoken}`), locale: 'pt-BR' });
    expect(await status(v.id)).toBe('pending');
    expect((await t.post(`/v1/verifications/${v.id}/check`, { code })).body).toMatchObject({ valid: true, status: 'approved' });
  });

  it('ivr: pressing 1 approves and the phone hears the confirmation', async () => {
    const v = await start({ to: MOBILE, channel: 'ivr', ivr: { confirm_text: 'Obrigado!' } });
    const call = await ringing(MOBILE, v.id);
    const answered = await act(MOBILE, call.id, 'answer');
    expect(answered.body.heard[0].gather.prompt[0].say).toMatch(/press 1/);
    const pressed = await act(MOBILE, call.id, 'keys', { digits: '1' });
    expect(pressed.status).toBe(200);
    expect(pressed.body.heard[0]).toEqual({ say: 'Obrigado!', locale: 'en' });
    expect(pressed.body.call).toMatchObject({ status: 'ended', disposition: 'completed', digits: '1' });
    expect(await status(v.id)).toBe('approved');
  });

  it('ivr: any other key fails the verification and the phone hears the fallback', async () => {
    const v = await start({ to: MOBILE, channel: 'ivr' });
    const call = await ringing(MOBILE, v.id);
    await act(MOBILE, call.id, 'answer');
    const pressed = await act(MOBILE, call.id, 'keys', { digits: '2' });
    expect(pressed.body.heard[0].say).toMatch(/not confirmed/);
    expect((await t.get(`/v1/verifications/${v.id}`)).body).toMatchObject({ status: 'failed', failure_reason: 'ivr_declined', failure_provider_error: null });
  });

  it('ivr: an answered call that ends without a key fails; keys on an ended call are refused', async () => {
    const v = await start({ to: MOBILE, channel: 'ivr' });
    const call = await ringing(MOBILE, v.id);
    await act(MOBILE, call.id, 'answer');
    expect((await act(MOBILE, call.id, 'hangup')).body.call).toMatchObject({ status: 'ended', disposition: 'completed' });
    expect((await t.get(`/v1/verifications/${v.id}`)).body).toMatchObject({ status: 'failed', failure_reason: 'ivr_no_key' });
    const late = await act(MOBILE, call.id, 'keys', { digits: '1' });
    expect([late.status, late.body.code]).toEqual([409, 'CALL_STATE']);
    expect(await status(v.id)).toBe('failed');
  });

  it('ivr: a declined call fails a verification with no next step, as not answered', async () => {
    const v = await start({ to: MOBILE, channel: 'ivr' });
    const call = await ringing(MOBILE, v.id);
    expect((await act(MOBILE, call.id, 'hangup')).body.call.disposition).toBe('rejected');
    expect((await t.get(`/v1/verifications/${v.id}`)).body).toMatchObject({ status: 'failed', failure_reason: 'no_answer', failure_provider_error: 'REJECTED' });
  });

  it('ivr: a declined call moves the workflow to its next step', async () => {
    const v = await start({ to: MOBILE, workflow: [{ channel: 'ivr' }, { channel: 'sms' }] });
    const call = await ringing(MOBILE, v.id);
    expect((await act(MOBILE, call.id, 'hangup')).body.call.disposition).toBe('rejected');
    const now = (await t.get(`/v1/verifications/${v.id}`)).body;
    expect(now).toMatchObject({ status: 'pending', channel: 'sms' });
    const code = await lastCode(t, MOBILE);
    expect((await t.post(`/v1/verifications/${v.id}/check`, { code })).body.status).toBe('approved');
  });

  it('ivr: an uploaded greeting is played from a signed URL the provider can fetch', async () => {
    const up = await t.app.inject({ method: 'POST', url: '/v1/sounds?name=greeting', headers: { authorization: t.auth(), 'content-type': 'audio/wav' }, payload: wav(500) });
    expect(up.statusCode).toBe(201);
    const sound = up.json() as { id: string };
    const v = await start({ to: MOBILE, channel: 'ivr', ivr: { greeting_sound: sound.id } });
    const call = await ringing(MOBILE, v.id);
    const url = new URL((await act(MOBILE, call.id, 'answer')).body.heard[0].gather.prompt[0].play as string);
    const audio = await t.app.inject({ method: 'GET', url: url.pathname + url.search });
    expect([audio.statusCode, audio.headers['content-type']]).toEqual([200, 'audio/wav']);
    expect(Buffer.compare(audio.rawPayload, wav(500))).toBe(0);
    const missing = await t.post('/v1/verifications', { to: MOBILE, channel: 'ivr', ivr: { greeting_sound: 'snd_0000000000000000000' } });
    expect([missing.status, missing.body.code]).toEqual([404, 'SOUND_NOT_FOUND']);
  });

  it('reverse call: start gives the pool number; only a call from the verified number approves it', async () => {
    const v = await start({ to: MOBILE, channel: 'reverse_call' });
    expect(v.call_to).toBe(POOL);
    expect((await phone(MOBILE)).calls.some((c: { verification_id: string }) => c.verification_id === v.id)).toBe(false);
    const stranger = await t.post(`/v1/sandbox/phones/${enc('+5511912345678')}/dial`, { to: POOL });
    expect(stranger.body.call).toMatchObject({ direction: 'inbound', from: '+5511912345678', to: POOL, verification_id: null, disposition: 'rejected' });
    expect(await status(v.id)).toBe('pending');
    const dialed = await t.post(`/v1/sandbox/phones/${enc(MOBILE)}/dial`, { to: POOL });
    expect(dialed.body.call).toMatchObject({ direction: 'inbound', from: MOBILE, to: POOL, verification_id: v.id, disposition: 'completed' });
    const done = (await t.get(`/v1/verifications/${v.id}`)).body;
    expect(done).toMatchObject({ status: 'approved', call_to: POOL });
    // The phone's call list tells the same, and a second call finds nothing left to approve.
    expect((await phone(MOBILE)).calls.find((c: { id: string }) => c.id === dialed.body.call.id)).toMatchObject({ verification_id: v.id, disposition: 'completed' });
    const again = await t.post(`/v1/sandbox/phones/${enc(MOBILE)}/dial`, { to: POOL });
    expect(again.body.call).toMatchObject({ verification_id: null, disposition: 'rejected' });
  });

  it('reverse call: two simultaneous calls approve once', async () => {
    const approved: string[] = [];
    const original = t.verity.verifications.approve.bind(t.verity.verifications);
    t.verity.verifications.approve = async (id) => {
      const won = await original(id);
      if (won) approved.push(id);
      return won;
    };
    try {
      const v = await start({ to: MOBILE, channel: 'reverse_call' });
      const [a, b] = await Promise.all([1, 2].map(() => t.post(`/v1/sandbox/phones/${enc(MOBILE)}/dial`, { to: POOL })));
      expect([a?.status, b?.status]).toEqual([200, 200]);
      expect(approved).toEqual([v.id]);
      expect([a?.body.call.verification_id, b?.body.call.verification_id].sort()).toEqual([v.id, null].sort());
      expect(await status(v.id)).toBe('approved');
    } finally {
      t.verity.verifications.approve = original;
    }
  });

  it('reverse call: another account’s virtual phone approves nothing', async () => {
    const other = await t.tenant();
    const v = await start({ to: MOBILE, channel: 'reverse_call' });
    const dial = await t.app.inject({
      method: 'POST',
      url: `/v1/sandbox/phones/${enc(MOBILE)}/dial`,
      headers: { authorization: t.auth(other.key), 'content-type': 'application/json' },
      payload: JSON.stringify({ to: POOL }),
    });
    expect(dial.statusCode).toBe(200);
    expect(await status(v.id)).toBe('pending');
  });

  it('flash call: the phone rings from a caller id ending in the code, and the reported caller id approves', async () => {
    const v = await start({ to: MOBILE, channel: 'flash_call' });
    const call = await ringing(MOBILE, v.id);
    expect(call.from).toMatch(/^\+5511955\d{6}$/);
    expect(call.script).toEqual([{ hangup: true }]);
    const wrong = await t.post(`/v1/verifications/${v.id}/check`, { code: '+55 11 955 00-0000' });
    expect(wrong.body.valid).toBe(call.from.endsWith('000000'));
    const shown = `${call.from.slice(0, 3)} ${call.from.slice(3, 5)} ${call.from.slice(5)}`;
    expect((await t.post(`/v1/verifications/${v.id}/check`, { code: shown })).body).toMatchObject({ valid: true, status: 'approved' });
  });

  it('flash call: a whole caller id is not a code on another channel', async () => {
    const v = await start({ to: MOBILE, channel: 'sms' });
    const r = await t.post(`/v1/verifications/${v.id}/check`, { code: '+5511955123456' });
    expect([r.status, r.body.code]).toEqual([400, 'INVALID_CODE_FORMAT']);
    expect((await t.get(`/v1/verifications/${v.id}`)).body.attempts).toBe(0);
  });

  it('silent: a phone online on the simulated operator is approved at once, even after it went offline', async () => {
    expect((await t.post(`/v1/sandbox/phones/${enc(MOBILE)}/online`, { ip: '198.51.100.7', port: 40001 })).status).toBe(204);
    expect((await phone(MOBILE)).online).toMatchObject({ ip: '198.51.100.7' });
    const v = await start({ to: MOBILE, channel: 'silent', device: { ip: '198.51.100.7', port: 40001 } });
    expect(v.status).toBe('approved');
    expect((await t.post(`/v1/sandbox/phones/${enc(MOBILE)}/offline`)).status).toBe(204);
    expect((await phone(MOBILE)).online).toBeNull();
    const after = await start({ to: MOBILE, channel: 'silent', device: { ip: '198.51.100.7', port: 40001 } });
    expect(after.status).toBe('approved');
  });

  it('silent: a phone online at ip:port holds that port’s block of 1024 behind the address, as a subscriber behind CGNAT does', async () => {
    const n = '+5511987650042';
    const online = (body: Record<string, unknown>) => t.post(`/v1/sandbox/phones/${enc(n)}/online`, body);
    const silent = (to: string, device: Record<string, unknown>) => start({ to, workflow: [{ channel: 'silent' }, { channel: 'sms' }], device });
    expect((await online({ ip: '198.51.100.30', port: 40001 })).status).toBe(204);
    expect((await phone(n)).online).toMatchObject({ ip: '198.51.100.30', ports: { start: 39936, end: 40959 } });
    for (const port of [40001, 39936, 40959]) expect((await silent(n, { ip: '198.51.100.30', port })).status, `port ${port}`).toBe('approved');
    for (const port of [40960, 39935, 1]) expect(await silent(n, { ip: '198.51.100.30', port }), `port ${port}`).toMatchObject({ status: 'pending', channel: 'sms' });
    // Without a port an address shared behind CGNAT singles out nobody, as on a real operator.
    expect(await silent(n, { ip: '198.51.100.30' })).toMatchObject({ status: 'pending', channel: 'sms' });

    // Online with no port: the phone holds the address itself, whatever port a request names.
    expect((await online({ ip: '198.51.100.30' })).status).toBe(204);
    expect((await phone(n)).online).toEqual({ ip: '198.51.100.30', since: expect.any(String) });
    for (const device of [{ ip: '198.51.100.30' }, { ip: '198.51.100.30', port: 1 }]) expect((await silent(n, device)).status).toBe('approved');

    // One block belongs to one phone: another phone going online in it takes it, and this one goes offline.
    const other = '+5511987650043';
    expect((await online({ ip: '198.51.100.30', port: 40001 })).status).toBe(204);
    expect((await t.post(`/v1/sandbox/phones/${enc(other)}/online`, { ip: '198.51.100.30', port: 40500 })).status).toBe(204);
    expect((await phone(n)).online).toBeNull();
    // Past the silent tolerance, so the session that just ended no longer counts.
    t.clock.advance(3_600_000);
    expect((await silent(other, { ip: '198.51.100.30', port: 40001 })).status).toBe('approved');
    expect(await silent(n, { ip: '198.51.100.30', port: 40001 })).toMatchObject({ status: 'pending', channel: 'sms' });
  });

  it('silent: another number on that address, or an address no operator holds, falls through to the next step', async () => {
    await t.post(`/v1/sandbox/phones/${enc('+5511912345678')}/online`, { ip: '198.51.100.8' });
    const other = await start({ to: MOBILE, workflow: [{ channel: 'silent' }, { channel: 'sms' }], device: { ip: '198.51.100.8' } });
    expect(other).toMatchObject({ status: 'pending', channel: 'sms' });
    const nowhere = await start({ to: MOBILE, channel: 'silent', device: { ip: '203.0.113.50' } });
    expect(nowhere).toMatchObject({ status: 'failed', failure_reason: 'silent_outside_ranges' });
    const another = await start({ to: MOBILE, channel: 'silent', device: { ip: '198.51.100.8' } });
    expect(another).toMatchObject({ status: 'failed', failure_reason: 'silent_no_match' });
    expect((await t.get(`/v1/verifications/${another.id}`)).body.failure_reason).toBe('silent_no_match');
  });

  it('silent: the local engine answers from an operator’s own data', async () => {
    const other = await t.tenant();
    const at = t.clock.now();
    await t.verity.operatorStore.setRanges(other.accountId, ['192.0.2.0/24'], at);
    await t.verity.operatorStore.recordSessions(other.accountId, [{ status: 'start', sessionId: 's1', msisdn: MOBILE, ip: '192.0.2.10', at }]);
    t.verity.silent.invalidate();
    expect((await start({ to: MOBILE, channel: 'silent', device: { ip: '192.0.2.10' } })).status).toBe('approved');
    expect((await start({ to: MOBILE, channel: 'silent', device: { ip: '192.0.2.11' } })).status).toBe('failed');
  });

  it('silent: without an address from the app, the device checks in over its mobile data and is recognized', async () => {
    await t.post(`/v1/sandbox/phones/${enc(MOBILE)}/online`, { ip: '198.51.100.20' });
    const v = (await start({ to: MOBILE, channel: 'silent' })) as unknown as { id: string; status: string; redirect_url: string };
    expect(v.status).toBe('pending');
    const link = new URL(v.redirect_url);
    expect(link.pathname).toMatch(/^\/v1\/silent\/device\/[\w.-]+$/);
    const checkIn = (from: string, path = link.pathname) => t.app.inject({ method: 'GET', url: path, remoteAddress: from });
    expect((await checkIn('198.51.100.20')).json()).toEqual({ verification_id: v.id, status: 'approved' });
    // A replayed link changes nothing, whoever opens it.
    expect((await checkIn('203.0.113.1')).json()).toEqual({ verification_id: v.id, status: 'approved' });
    const forged = await checkIn('198.51.100.20', `${link.pathname}x`);
    expect([forged.statusCode, forged.json().code]).toEqual([400, 'INVALID_CALLBACK']);
    const elsewhere = (await start({ to: MOBILE, workflow: [{ channel: 'silent' }, { channel: 'sms' }] })) as unknown as { id: string; redirect_url: string };
    expect((await checkIn('203.0.113.1', new URL(elsewhere.redirect_url).pathname)).json()).toEqual({ verification_id: elsewhere.id, status: 'pending' });
    expect((await t.get(`/v1/verifications/${elsewhere.id}`)).body.channel).toBe('sms');
  });

  it('refuses what a channel cannot start without', async () => {
    const other = await t.tenant();
    const noPool = await t.app.inject({
      method: 'POST',
      url: '/v1/verifications',
      headers: { authorization: t.auth(other.key), 'content-type': 'application/json' },
      payload: JSON.stringify({ to: '+4915123456789', channel: 'reverse_call' }),
    });
    expect([noPool.statusCode, noPool.json().code]).toEqual([422, 'NO_POOL_NUMBER']);
    const noResend = await t.post(`/v1/verifications/${(await start({ to: MOBILE, channel: 'reverse_call' })).id}/resend`, {});
    expect([noResend.status, noResend.body.code]).toEqual([400, 'CHANNEL_MISMATCH']);
  });
});
