import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeOnBackends, lastCode, startTestApp, type TestApp } from '../helpers/test-app.js';

const MOBILE = ['+5511987654321', '+5511987654322', '+5511987654323', '+5511987654324', '+5511987654325', '+5511987654326', '+5511987654327', '+5511987654328'];
let n = 0;
/** A fresh Brazilian mobile number per test, so per-destination limits do not leak between tests. */
function freshMobile(): string {
  n += 1;
  return `+55119${String(80000000 + n * 7919).padStart(8, '0')}`;
}

describeOnBackends('verifications', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(async () => t?.close());

  it.each([
    ['sms', MOBILE[0] as string],
    ['whatsapp', MOBILE[1] as string],
    ['rcs', MOBILE[2] as string],
    ['voice', '+551133334444'],
    ['email', 'Ana.Silva@Example.COM'],
  ])('completes a %s verification through the sandbox: start, read the code, check, approved', async (channel, to) => {
    const start = await t.post('/v1/verifications', { to, channel });
    expect(start.status).toBe(201);
    expect(start.body).toMatchObject({ status: 'pending', channel, attempts: 0, sends: 1 });
    const normalized = channel === 'email' ? 'ana.silva@example.com' : to;
    expect(start.body.to).toBe(normalized);
    const inbox = await t.get(`/v1/sandbox/messages?to=${encodeURIComponent(normalized)}`);
    const msg = inbox.body.messages[0];
    expect(msg).toMatchObject({ channel, verification_id: start.body.id, outcome: 'delivered' });
    expect(msg.code).toMatch(/^\d{6}$/);
    if (channel === 'voice') expect(msg.text).toContain(msg.code.split('').join(', '));
    else expect(msg.text).toContain(msg.code);
    if (channel === 'email') expect(msg.subject).toBeTruthy();
    const check = await t.post(`/v1/verifications/${start.body.id}/check`, { code: msg.code });
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({ valid: true, status: 'approved', attempts: 1, failure_reason: null, failure_provider_error: null });
    expect((await t.get(`/v1/verifications/${start.body.id}`)).body.status).toBe('approved');
  });

  it('counts a wrong code as an attempt and answers valid=false', async () => {
    const to = freshMobile();
    const { body: v } = await t.post('/v1/verifications', { to, channel: 'sms' });
    const code = await lastCode(t, to);
    const wrong = code === '000000' ? '111111' : '000000';
    const r = await t.post(`/v1/verifications/${v.id}/check`, { code: wrong });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ valid: false, status: 'pending', attempts: 1, failure_reason: null });
    expect((await t.get(`/v1/verifications/${v.id}`)).body.attempts).toBe(1);
  });

  it('refuses the 6th wrong guess with MAX_ATTEMPTS_REACHED, even with the right code', async () => {
    const to = freshMobile();
    const { body: v } = await t.post('/v1/verifications', { to, channel: 'sms' });
    const code = await lastCode(t, to);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 1; i <= 5; i++) {
      const r = await t.post(`/v1/verifications/${v.id}/check`, { code: wrong });
      expect(r.body).toMatchObject({ valid: false, attempts: i, status: i === 5 ? 'max_attempts' : 'pending', failure_reason: i === 5 ? 'max_attempts' : null });
    }
    const sixth = await t.post(`/v1/verifications/${v.id}/check`, { code });
    expect(sixth.status).toBe(409);
    expect(sixth.body).toMatchObject({ code: 'MAX_ATTEMPTS_REACHED', verification_status: 'max_attempts' });
    expect((await t.get(`/v1/verifications/${v.id}`)).body).toMatchObject({ status: 'max_attempts', attempts: 5, failure_reason: 'max_attempts', failure_provider_error: null });
  });

  /** A service allowing `attempts` checks per verification, so one verification can spend a whole guess budget. */
  const serviceWith = async (attempts: number): Promise<string> => {
    const s = await t.post('/v1/services', { name: `attempts-${attempts}`, max_attempts: attempts });
    expect(s.status).toBe(201);
    return s.body.id as string;
  };
  const wrongFor = (code: string) => (code === '000000' ? '111111' : '000000');
  /** Spends the destination's whole budget of 10 wrong guesses on one new verification; the 11th guess is refused. */
  const expectFullGuessBudget = async (to: string, service: string) => {
    const { body: v } = await t.post('/v1/verifications', { to, channel: 'sms', service });
    const wrong = wrongFor(await lastCode(t, to));
    for (let i = 1; i <= 10; i++) {
      const r = await t.post(`/v1/verifications/${v.id}/check`, { code: wrong });
      expect([r.status, r.body.valid, r.body.status]).toEqual([200, false, i === 10 ? 'blocked' : 'pending']);
    }
    const { body: next } = await t.post('/v1/verifications', { to, channel: 'sms', service });
    const refused = await t.post(`/v1/verifications/${next.id}/check`, { code: await lastCode(t, to) });
    expect([refused.status, refused.body.code]).toEqual([429, 'GUESS_LIMIT_REACHED']);
  };

  it.each([
    ['the default 5 attempts', 0],
    ['a service allowing 60 attempts', 60],
  ])('approves exactly once when 50 right codes race (%s); the others answer VERIFICATION_APPROVED and spend no guess', async (_name, attempts) => {
    const to = freshMobile();
    const service = attempts > 0 ? await serviceWith(attempts) : undefined;
    const { body: v } = await t.post('/v1/verifications', { to, channel: 'sms', ...(service ? { service } : {}) });
    const code = await lastCode(t, to);
    const results = await Promise.all(Array.from({ length: 50 }, () => t.post(`/v1/verifications/${v.id}/check`, { code })));
    const approvals = results.filter((r) => r.status === 200 && r.body.valid === true);
    expect(approvals).toHaveLength(1);
    const losers = results.filter((x) => x !== approvals[0]);
    expect(losers.map((r) => [r.status, r.body.code, r.body.verification_status])).toEqual(losers.map(() => [409, 'VERIFICATION_APPROVED', 'approved']));
    expect((await t.get(`/v1/verifications/${v.id}`)).body).toMatchObject({ status: 'approved', attempts: 1 });
    // The destination still has every one of its wrong guesses.
    await expectFullGuessBudget(to, service ?? (await serviceWith(60)));
  });

  it('counts at most the budget of 30 parallel wrong guesses across three verifications of one destination', async () => {
    const to = freshMobile();
    const service = await serviceWith(20);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await t.post('/v1/verifications', { to, channel: 'sms', service })).body.id);
    const wrong = wrongFor(await lastCode(t, to));
    const results = await Promise.all(ids.flatMap((id) => Array.from({ length: 10 }, () => t.post(`/v1/verifications/${id}/check`, { code: wrong }))));
    const counted = results.filter((r) => r.status === 200);
    expect(counted).toHaveLength(10);
    expect(counted.every((r) => r.body.valid === false)).toBe(true);
    // The rest were refused before comparison: by the spent budget, or by the verification its 10th guess blocked.
    for (const r of results.filter((x) => x.status !== 200)) expect(['429 GUESS_LIMIT_REACHED', '409 VERIFICATION_BLOCKED']).toContain(`${r.status} ${r.body.code}`);
    const { body: next } = await t.post('/v1/verifications', { to, channel: 'sms', service });
    expect((await t.post(`/v1/verifications/${next.id}/check`, { code: await lastCode(t, to) })).body.code).toBe('GUESS_LIMIT_REACHED');
  });

  it('slides the guess window: wrong guesses just before an hour boundary still count just after it', async () => {
    const to = freshMobile();
    const service = await serviceWith(60);
    const guess = async (id: string) => t.post(`/v1/verifications/${id}/check`, { code: wrongFor(await lastCode(t, to)) });
    const { body: first } = await t.post('/v1/verifications', { to, channel: 'sms', service });
    expect((await guess(first.id)).body).toMatchObject({ valid: false, status: 'pending' });
    t.clock.advance(3598_000);
    const { body: v } = await t.post('/v1/verifications', { to, channel: 'sms', service });
    for (let i = 0; i < 8; i++) expect((await guess(v.id)).body).toMatchObject({ valid: false, status: 'pending' });
    // Past the hour since the first guess: only that one has left the window, so two guesses remain.
    t.clock.advance(3_000);
    expect((await guess(v.id)).body).toMatchObject({ valid: false, status: 'pending' });
    expect((await guess(v.id)).body).toMatchObject({ valid: false, status: 'blocked' });
    const { body: next } = await t.post('/v1/verifications', { to, channel: 'sms', service });
    const refused = await guess(next.id);
    expect([refused.status, refused.body.code]).toEqual([429, 'GUESS_LIMIT_REACHED']);
    // The eight guesses made at 3598 s leave the window at 7198 s, 3597 s from now.
    expect(Number(refused.headers['retry-after'])).toBe(3597);
  });

  it('forgets wrong guesses once they are older than the window', async () => {
    const to = freshMobile();
    const service = await serviceWith(60);
    await expectFullGuessBudget(to, service);
    t.clock.advance(3600_000);
    const { body: v } = await t.post('/v1/verifications', { to, channel: 'sms', service });
    const r = await t.post(`/v1/verifications/${v.id}/check`, { code: wrongFor(await lastCode(t, to)) });
    expect([r.status, r.body.valid, r.body.status]).toEqual([200, false, 'pending']);
  });

  it('reads as expired after the validity without waiting for the sweeper, and a check answers VERIFICATION_EXPIRED', async () => {
    const to = freshMobile();
    const { body: v } = await t.post('/v1/verifications', { to, channel: 'sms' });
    const code = await lastCode(t, to);
    expect((await t.get(`/v1/verifications/${v.id}`)).body.failure_reason).toBeNull();
    t.clock.advance(10 * 60 * 1000 + 1);
    expect((await t.get(`/v1/verifications/${v.id}`)).body).toMatchObject({ status: 'expired', failure_reason: 'expired' });
    const r = await t.post(`/v1/verifications/${v.id}/check`, { code });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ code: 'VERIFICATION_EXPIRED', verification_status: 'expired' });
    expect((await t.post(`/v1/verifications/${v.id}/resend`, {})).body.code).toBe('VERIFICATION_EXPIRED');
  });

  it('the sweeper ends expired verifications and drops their sealed codes', async () => {
    const to = freshMobile();
    const { body: v } = await t.post('/v1/verifications', { to, channel: 'sms' });
    t.clock.advance(10 * 60 * 1000 + 1);
    expect(await t.verity.verifications.sweep()).toBeGreaterThanOrEqual(1);
    const row = await t.verity.verificationStore.get((await t.verity.accountStore.firstAccount())!.id, v.id);
    expect(row).toMatchObject({ status: 'expired', code_sealed: null, failure_reason: 'expired' });
  });

  it('resends the same code after the cooldown and refuses a resend inside it', async () => {
    const to = freshMobile();
    const { body: v } = await t.post('/v1/verifications', { to, channel: 'sms' });
    const first = await lastCode(t, to);
    const early = await t.post(`/v1/verifications/${v.id}/resend`, {});
    expect(early.status).toBe(429);
    expect(early.body.code).toBe('RESEND_COOLDOWN');
    expect(Number(early.headers['retry-after'])).toBeGreaterThan(0);
    t.clock.advance(30_000);
    const again = await t.post(`/v1/verifications/${v.id}/resend`, {});
    expect(again.status).toBe(200);
    expect(again.body.sends).toBe(2);
    expect(await lastCode(t, to)).toBe(first);
    const inbox = await t.get(`/v1/sandbox/messages?to=${encodeURIComponent(to)}`);
    expect(inbox.body.messages).toHaveLength(2);
  });

  it('lets only one of two parallel resends through; the other answers with the cooldown', async () => {
    const to = freshMobile();
    const { body: v } = await t.post('/v1/verifications', { to, channel: 'sms' });
    t.clock.advance(30_000);
    const rs = await Promise.all([t.post(`/v1/verifications/${v.id}/resend`, {}), t.post(`/v1/verifications/${v.id}/resend`, {})]);
    expect(rs.map((r) => r.status).sort()).toEqual([200, 429]);
    expect(rs.find((r) => r.status === 429)?.body.code).toBe('RESEND_COOLDOWN');
    expect((await t.get(`/v1/verifications/${v.id}`)).body.sends).toBe(2);
    expect((await t.get(`/v1/sandbox/messages?to=${encodeURIComponent(to)}`)).body.messages).toHaveLength(2);
  });

  it('resends on another channel with the same code; voice cannot move to sms on a fixed line', async () => {
    const to = freshMobile();
    const { body: v } = await t.post('/v1/verifications', { to, channel: 'sms' });
    const code = await lastCode(t, to);
    t.clock.advance(30_000);
    const r = await t.post(`/v1/verifications/${v.id}/resend`, { channel: 'voice' });
    expect(r.body).toMatchObject({ channel: 'voice', sends: 2 });
    const inbox = await t.get(`/v1/sandbox/messages?to=${encodeURIComponent(to)}&limit=1`);
    expect(inbox.body.messages[0]).toMatchObject({ channel: 'voice', code });

    const fixed = await t.post('/v1/verifications', { to: '+551133334445', channel: 'voice' });
    t.clock.advance(30_000);
    const bad = await t.post(`/v1/verifications/${fixed.body.id}/resend`, { channel: 'sms' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('CHANNEL_MISMATCH');
  });

  it('allows at most 5 sends per verification', async () => {
    const to = freshMobile();
    const { body: v } = await t.post('/v1/verifications', { to, channel: 'sms' });
    for (let i = 0; i < 4; i++) {
      t.clock.advance(30_000);
      expect((await t.post(`/v1/verifications/${v.id}/resend`, {})).status).toBe(200);
    }
    t.clock.advance(30_000);
    const sixth = await t.post(`/v1/verifications/${v.id}/resend`, {});
    expect(sixth.status).toBe(409);
    expect(sixth.body.code).toBe('MAX_SENDS_REACHED');
  });

  it('keeps the per-destination guess budget across resends and new verifications', async () => {
    const to = freshMobile();
    const wrongFor = async () => {
      const c = await lastCode(t, to);
      return c === '000000' ? '111111' : '000000';
    };
    // The budget is 10 wrong guesses per hour: 2 + (resend) + 2 on the first verification,
    // 5 on a second one, 1 on a third; the 11th guess is refused even with the right code.
    const { body: v1 } = await t.post('/v1/verifications', { to, channel: 'sms' });
    for (let i = 0; i < 2; i++) await t.post(`/v1/verifications/${v1.id}/check`, { code: await wrongFor() });
    t.clock.advance(30_000);
    expect((await t.post(`/v1/verifications/${v1.id}/resend`, {})).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await t.post(`/v1/verifications/${v1.id}/check`, { code: await wrongFor() })).body.valid).toBe(false);
    const { body: v0 } = await t.post('/v1/verifications', { to, channel: 'sms' });
    for (let i = 0; i < 5; i++) expect((await t.post(`/v1/verifications/${v0.id}/check`, { code: await wrongFor() })).body.valid).toBe(false);
    const { body: v2 } = await t.post('/v1/verifications', { to, channel: 'sms' });
    const tenth = await t.post(`/v1/verifications/${v2.id}/check`, { code: await wrongFor() });
    expect(tenth.body).toMatchObject({ valid: false, status: 'blocked', failure_reason: 'guess_limit' });
    expect((await t.get(`/v1/verifications/${v2.id}`)).body.failure_reason).toBe('guess_limit');
    expect((await t.post(`/v1/verifications/${v2.id}/check`, { code: await lastCode(t, to) })).body.code).toBe('VERIFICATION_BLOCKED');
    const { body: v3 } = await t.post('/v1/verifications', { to, channel: 'sms' });
    const refused = await t.post(`/v1/verifications/${v3.id}/check`, { code: await lastCode(t, to) });
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('GUESS_LIMIT_REACHED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // The refused guess was counted as an attempt (attempts are counted before anything else) but not compared.
    expect((await t.get(`/v1/verifications/${v3.id}`)).body).toMatchObject({ status: 'pending', attempts: 1 });
  });

  it('a right guess does not spend the guess budget', async () => {
    const to = freshMobile();
    // Four rounds of one wrong and one right guess, then five wrong guesses: 9 wrong in all,
    // under the budget of 10 only if the four right guesses were refunded.
    for (let i = 0; i < 4; i++) {
      t.clock.advance(120_000);
      const { body: v } = await t.post('/v1/verifications', { to, channel: 'sms' });
      const code = await lastCode(t, to);
      expect((await t.post(`/v1/verifications/${v.id}/check`, { code: code === '000000' ? '111111' : '000000' })).body.valid).toBe(false);
      expect((await t.post(`/v1/verifications/${v.id}/check`, { code })).body.valid).toBe(true);
    }
    const { body: last } = await t.post('/v1/verifications', { to, channel: 'sms' });
    const code = await lastCode(t, to);
    for (let i = 0; i < 5; i++) {
      const r = await t.post(`/v1/verifications/${last.id}/check`, { code: code === '000000' ? '111111' : '000000' });
      expect(r.status).toBe(200);
    }
  });

  it('limits sends to one destination to 5 per 10 minutes', async () => {
    const to = freshMobile();
    for (let i = 0; i < 5; i++) expect((await t.post('/v1/verifications', { to, channel: 'sms' })).status).toBe(201);
    const sixth = await t.post('/v1/verifications', { to, channel: 'sms' });
    expect(sixth.status).toBe(429);
    expect(sixth.body.code).toBe('DESTINATION_RATE_LIMITED');
    expect(sixth.headers['retry-after']).toBeDefined();
  });

  it('applies no send limit to a reverse call, which sends nothing: 10 starts to one number succeed', async () => {
    expect((await t.post('/v1/numbers', { number: '+5511955550000', purpose: 'reverse_call' })).status).toBe(201);
    const to = freshMobile();
    for (let i = 0; i < 10; i++) expect((await t.post('/v1/verifications', { to, channel: 'reverse_call' })).body).toMatchObject({ status: 'pending', call_to: '+5511955550000' });
    // Per-account and per-IP start limits still apply to every channel; the destination keeps its whole send budget.
    for (let i = 0; i < 5; i++) expect((await t.post('/v1/verifications', { to, channel: 'sms' })).status).toBe(201);
    expect((await t.post('/v1/verifications', { to, channel: 'sms' })).body.code).toBe('DESTINATION_RATE_LIMITED');
  });

  it('applies no send limit to a silent check, which sends nothing: 10 starts to one number succeed', async () => {
    const to = freshMobile();
    for (let i = 0; i < 10; i++) expect((await t.post('/v1/verifications', { to, channel: 'silent', device: { ip: '203.0.113.9' } })).status).toBe(201);
    expect((await t.post('/v1/verifications', { to, channel: 'sms' })).status).toBe(201);
  });

  it('counts a workflow step that sends when it starts', async () => {
    const to = freshMobile();
    // The silent step finds nothing at this address and falls through to the SMS step, which sends.
    for (let i = 0; i < 5; i++) {
      expect((await t.post('/v1/verifications', { to, workflow: [{ channel: 'silent' }, { channel: 'sms' }], device: { ip: '203.0.113.9' } })).body).toMatchObject({
        status: 'pending',
        channel: 'sms',
      });
    }
    const sixth = await t.post('/v1/verifications', { to, channel: 'sms' });
    expect([sixth.status, sixth.body.code]).toEqual([429, 'DESTINATION_RATE_LIMITED']);
  });

  it('replays the first response for a repeated Idempotency-Key and refuses the key with another body', async () => {
    const to = freshMobile();
    const headers = { 'idempotency-key': `order-${to}` };
    const a = await t.post('/v1/verifications', { to, channel: 'sms' }, undefined, headers);
    const b = await t.post('/v1/verifications', { to, channel: 'sms' }, undefined, headers);
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body).toEqual(a.body);
    expect(b.headers['idempotent-replayed']).toBe('true');
    const inbox = await t.get(`/v1/sandbox/messages?to=${encodeURIComponent(to)}`);
    expect(inbox.body.messages).toHaveLength(1);
    const c = await t.post('/v1/verifications', { to, channel: 'email' }, undefined, headers);
    expect(c.status).toBe(422);
    expect(c.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('cancels a pending verification; a check then answers VERIFICATION_CANCELED', async () => {
    const to = freshMobile();
    const { body: v } = await t.post('/v1/verifications', { to, channel: 'sms' });
    const c = await t.post(`/v1/verifications/${v.id}/cancel`);
    expect(c.body).toMatchObject({ status: 'canceled', failure_reason: 'canceled' });
    expect((await t.get(`/v1/verifications/${v.id}`)).body.failure_reason).toBe('canceled');
    const r = await t.post(`/v1/verifications/${v.id}/check`, { code: await lastCode(t, to) });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('VERIFICATION_CANCELED');
  });

  it('hides one account’s verifications and inbox from another (404, not 403)', async () => {
    const other = await t.tenant();
    const to = freshMobile();
    const { body: v } = await t.post('/v1/verifications', { to, channel: 'sms' });
    for (const r of [
      await t.get(`/v1/verifications/${v.id}`, other.key),
      await t.post(`/v1/verifications/${v.id}/check`, { code: '123456' }, other.key),
      await t.post(`/v1/verifications/${v.id}/resend`, {}, other.key),
      await t.post(`/v1/verifications/${v.id}/cancel`, undefined, other.key),
    ]) {
      expect(r.status).toBe(404);
      expect(r.body.code).toBe('VERIFICATION_NOT_FOUND');
    }
    const inbox = await t.get(`/v1/sandbox/messages?to=${encodeURIComponent(to)}`, other.key);
    expect(inbox.body.messages).toEqual([]);
    expect((await t.get(`/v1/verifications/${v.id}`)).body.status).toBe('pending');
  });

  it('lists the sandbox inbox newest first', async () => {
    const to = freshMobile();
    const a = await t.post('/v1/verifications', { to, channel: 'sms' });
    t.clock.advance(1000);
    const b = await t.post('/v1/verifications', { to, channel: 'whatsapp' });
    const inbox = await t.get(`/v1/sandbox/messages?to=${encodeURIComponent(to)}`);
    expect(inbox.body.messages.map((m: { verification_id: string }) => m.verification_id)).toEqual([b.body.id, a.body.id]);
  });

  it('gives magic numbers their fixed code and forced outcome, without send limits', async () => {
    for (let i = 0; i < 7; i++) {
      t.clock.advance(1000);
      expect((await t.post('/v1/verifications', { to: '+15005550006', channel: 'sms' })).status).toBe(201);
    }
    expect(await lastCode(t, '+15005550006')).toBe('123456');
    const bad = await t.post('/v1/verifications', { to: '+15005550001', channel: 'sms' });
    expect(bad.status).toBe(201);
    expect(bad.body).toMatchObject({ status: 'failed', failure_reason: 'undeliverable', failure_provider_error: null });
    expect((await t.get(`/v1/verifications/${bad.body.id}`)).body).toMatchObject({ status: 'failed', failure_reason: 'undeliverable' });
    const inbox = await t.get(`/v1/sandbox/messages?to=${encodeURIComponent('+15005550001')}&limit=1`);
    expect(inbox.body.messages[0].outcome).toBe('undeliverable');
    expect((await t.post(`/v1/verifications/${bad.body.id}/check`, { code: '123456' })).body.code).toBe('VERIFICATION_FAILED');
  });

  it('accepts a caller-supplied code and a code length', async () => {
    const to = freshMobile();
    const { body: v } = await t.post('/v1/verifications', { to, channel: 'sms', code: '424242' });
    expect(await lastCode(t, to)).toBe('424242');
    expect((await t.post(`/v1/verifications/${v.id}/check`, { code: '424242' })).body.valid).toBe(true);
    const to2 = freshMobile();
    await t.post('/v1/verifications', { to: to2, channel: 'sms', code_length: 8 });
    expect(await lastCode(t, to2)).toMatch(/^\d{8}$/);
  });

  it('applies a service: brand, code length, locale, allowed channels and WebOTP line', async () => {
    const s = await t.post('/v1/services', { name: 'login', brand: 'Acme', code_length: 4, locale: 'pt-BR', channels: ['sms'], webotp_domain: 'acme.example' });
    expect(s.status).toBe(201);
    const to = freshMobile();
    const v = await t.post('/v1/verifications', { to, channel: 'sms', service: s.body.id });
    expect(v.body).toMatchObject({ service_id: s.body.id, locale: 'pt-BR' });
    const msg = (await t.get(`/v1/sandbox/messages?to=${encodeURIComponent(to)}`)).body.messages[0];
    expect(msg.code).toMatch(/^\d{4}$/);
    expect(msg.text).toContain('Acme');
    expect(msg.text.split('\n').at(-1)).toBe(`@acme.example #${msg.code}`);
    const refused = await t.post('/v1/verifications', { to: 'a@b.example', channel: 'email', service: s.body.id });
    expect(refused.body.code).toBe('CHANNEL_NOT_ALLOWED');
    const missing = await t.post('/v1/verifications', { to, channel: 'sms', service: 'svc_1111111111111111111' });
    expect(missing.body.code).toBe('SERVICE_NOT_FOUND');
  });

  it('renders a custom template and refuses one without {code}', async () => {
    const bad = await t.post('/v1/templates', { name: 'x', channel: 'sms', locale: 'en', body: 'hello {brand}' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('INVALID_TEMPLATE');
    const tpl = await t.post('/v1/templates', { name: 'short', channel: 'sms', locale: 'en', body: '{code} is your {brand} code' });
    expect(tpl.status).toBe(201);
    const to = freshMobile();
    await t.post('/v1/verifications', { to, channel: 'sms', template: tpl.body.id });
    const msg = (await t.get(`/v1/sandbox/messages?to=${encodeURIComponent(to)}`)).body.messages[0];
    expect(msg.text).toBe(`${msg.code} is your Verity code`);
  });

  it('writes the message in the outbox with the code sealed and drops it once sent', async () => {
    const to = freshMobile();
    const { body: v } = await t.post('/v1/verifications', { to, channel: 'sms' });
    const code = await lastCode(t, to);
    const rows = await t.verity.database.db.selectFrom('messages').selectAll().where('verification_id', '=', v.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'delivered', provider: 'sandbox', payload_sealed: null });
    const ver = await t.verity.database.db.selectFrom('verifications').selectAll().where('id', '=', v.id).executeTakeFirstOrThrow();
    expect(ver.code_hash).not.toContain(code);
    expect(JSON.stringify(ver)).not.toContain(`"${code}"`);
  });

  it('exposes Prometheus counters by channel', async () => {
    const m = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(m.body).toMatch(/verity_verifications_started_total\{channel="sms"\} \d+/);
    expect(m.body).toMatch(/verity_verifications_approved_total\{channel="sms"\} \d+/);
    expect(m.body).toContain('verity_http_request_duration_seconds_bucket');
  });
});

describe('the guess budget on the embedded database', () => {
  it('survives a restart on the same SQLite file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'verity-guesses-'));
    const backend = { name: 'sqlite' as const, url: `sqlite:${join(dir, 'verity.db')}` };
    const to = '+5511987650001';
    try {
      const before = await startTestApp(backend);
      const operator = before.operator;
      try {
        for (let v = 0; v < 2; v++) {
          const { body } = await before.post('/v1/verifications', { to, channel: 'sms' });
          const code = await lastCode(before, to);
          for (let i = 0; i < 5; i++) expect((await before.post(`/v1/verifications/${body.id}/check`, { code: code === '000000' ? '111111' : '000000' })).body.valid).toBe(false);
        }
      } finally {
        await before.close();
      }
      const after = await startTestApp(backend);
      try {
        const { body } = await after.post('/v1/verifications', { to, channel: 'sms' }, operator);
        const r = await after.post(`/v1/verifications/${body.id}/check`, { code: await lastCode(after, to, operator) }, operator);
        expect([r.status, r.body.code]).toEqual([429, 'GUESS_LIMIT_REACHED']);
      } finally {
        await after.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
