/**
 * Ending a verification on an event from outside (a key pressed, a call received, the network's
 * answer): approve(id) and fail(id, reason) end it once, whoever asks, and count and show it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnBackends, lastCode, startTestApp, type TestApp } from '../helpers/test-app.js';

describeOnBackends('approving and failing a verification by id', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend, { env: { LIMIT_SEND_PER_DESTINATION: '0/600' } });
  });
  afterAll(async () => t?.close());

  const start = async (to: string) => {
    const r = await t.post('/v1/verifications', { to, channel: 'sms' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.id as string;
  };
  const counted = async (what: 'approved' | 'failed') => {
    const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    return Number(new RegExp(`^verity_verifications_${what}_total\\{channel="sms"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  };

  it('fails a pending verification once with its reason, after which its code approves nothing', async () => {
    const to = '+5511951230001';
    const id = await start(to);
    const before = await counted('failed');
    const results = await Promise.all([t.verity.verifications.fail(id, 'ivr_no_key'), t.verity.verifications.fail(id, 'ivr_declined')]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await t.verity.verifications.approve(id)).toBe(false);
    expect(await counted('failed')).toBe(before + 1);
    const failed = (await t.get(`/v1/verifications/${id}`)).body;
    expect(failed).toMatchObject({ status: 'failed' });
    expect(['ivr_no_key', 'ivr_declined']).toContain(failed.failure_reason);
    const check = await t.post(`/v1/verifications/${id}/check`, { code: await lastCode(t, to) });
    expect(check.body).toMatchObject({ code: 'VERIFICATION_FAILED' });
  });

  it('approves a pending verification once, and a later failure changes nothing', async () => {
    const id = await start('+5511951230002');
    const before = await counted('approved');
    const results = await Promise.all([t.verity.verifications.approve(id), t.verity.verifications.approve(id)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await t.verity.verifications.fail(id, 'ivr_declined')).toBe(false);
    expect(await counted('approved')).toBe(before + 1);
    expect((await t.get(`/v1/verifications/${id}`)).body).toMatchObject({ status: 'approved', failure_reason: null });
  });

  it('approves nothing for an unknown id', async () => {
    expect(await t.verity.verifications.approve('ver_unknown')).toBe(false);
    expect(await t.verity.verifications.fail('ver_unknown', 'ivr_no_key')).toBe(false);
  });
});
