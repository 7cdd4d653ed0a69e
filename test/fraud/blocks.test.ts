import { afterAll, beforeAll, expect, it } from 'vitest';
import type { WebhookEvent } from '../../src/events/webhook-events.js';
import { describeOnBackends, startTestApp, type TestApp } from '../helpers/test-app.js';

type Key = Awaited<ReturnType<TestApp['tenant']>>['key'];
const MINUTE = 60_000;

describeOnBackends('prefix blocks and the decision log', (backend) => {
  let t: TestApp;
  const heard: WebhookEvent[] = [];
  beforeAll(async () => {
    t = await startTestApp(backend, { env: { FRAUD_MODE: 'enforce', TRUST_PROXY: 'true', FRAUD_BLOCK_DURATIONS: '15m,1h,24h' } });
    t.app.parts.events.subscribe((e) => {
      if (e.type.startsWith('fraud.')) heard.push(e);
    });
  });
  afterAll(async () => t?.close());

  let n = 0;
  /** Starts into `range` from a new address each time, `gap` ms apart: what a pumping bot does. */
  async function attack(key: Key, range: string, count: number, gap = 50) {
    const out: Array<{ status: number; body: Record<string, unknown> }> = [];
    for (let i = 0; i < count; i++) {
      n += 1;
      const r = await t.post('/v1/verifications', { channel: 'sms', to: `${range}${String(10_000 + ((n * 7_919) % 89_000)).padStart(5, '0')}` }, key, {
        'x-forwarded-for': `172.20.${n % 250}.${1 + (Math.floor(n / 250) % 250)}`,
      });
      out.push({ status: r.status, body: r.body });
      t.clock.advance(gap);
    }
    return out;
  }
  const blocks = async (key: Key, query = '') => (await t.get(`/v1/fraud/blocks${query}`, key)).body.blocks as Array<Record<string, unknown>>;
  const mine = (accountId: string, type: string) => heard.filter((e) => e.accountId === accountId && e.type === type);

  it('block a prefix whole once refusals into it keep coming, refuse the rest of it unscored, and explain each decision', async () => {
    const { accountId, key } = await t.tenant();
    const answers = await attack(key, '+23480312', 40);
    const refused = answers.filter((a) => a.status === 403);
    expect(refused.length).toBeGreaterThanOrEqual(20);
    const [block, ...others] = await blocks(key, '?active=true');
    expect(others).toHaveLength(0);
    expect(block).toMatchObject({ prefix: '+2348031', country: 'NG', level: 0, mode: 'enforce', active: true });
    expect(Date.parse(block?.expires_at as string) - Date.parse(block?.created_at as string)).toBe(15 * MINUTE);
    expect(((block?.reasons ?? []) as Array<{ signal: string }>).map((r) => r.signal)).toEqual(expect.arrayContaining(['new_country', 'volume']));
    // Later starts into the range are refused by the block, and say so.
    const late = refused.at(-1)?.body as Record<string, unknown>;
    expect(late).toMatchObject({ code: 'FRAUD_SUSPECTED', signals: ['prefix_blocked'], block_id: block?.id });
    expect(late.detail).toMatch(/\+2348031, blocked for SMS pumping until/);

    // The decision log: every refusal, newest first, filterable, with each signal's measure.
    const all = await t.get('/v1/fraud/decisions?limit=200', key);
    expect(all.body.decisions).toHaveLength(refused.length);
    expect(all.body.decisions[0]).toMatchObject({
      id: late.decision_id,
      outcome: 'refused',
      reason: 'prefix_blocked',
      action: 'start',
      channel: 'sms',
      country: 'NG',
      prefix: '+2348031',
      block_id: block?.id,
      verification_id: late.verification_id,
    });
    const first = all.body.decisions.at(-1);
    expect(first.reason).not.toBe('prefix_blocked');
    expect(first.signals[0]).toMatchObject({ signal: expect.any(String), points: expect.any(Number), detail: expect.any(String) });
    expect(first.score).toBeGreaterThanOrEqual(60);
    const byBlock = await t.get('/v1/fraud/decisions?reason=prefix_blocked&limit=5', key);
    expect(byBlock.body.decisions).toHaveLength(5);
    expect(byBlock.body.next_cursor).toEqual(expect.any(String));
    const next = await t.get(`/v1/fraud/decisions?reason=prefix_blocked&limit=5&cursor=${byBlock.body.next_cursor}`, key);
    expect(next.body.decisions[0].created_at <= byBlock.body.decisions[4].created_at).toBe(true);
    expect(new Set([...byBlock.body.decisions, ...next.body.decisions].map((d: { id: string }) => d.id)).size).toBe(10);
    expect((await t.get('/v1/fraud/decisions?prefix=%2B234', key)).body.decisions).toHaveLength(refused.length);
    expect((await t.get('/v1/fraud/decisions?prefix=%2B44', key)).body.decisions).toHaveLength(0);
    expect((await t.get(`/v1/fraud/decisions?verification=${late.verification_id}`, key)).body.decisions).toHaveLength(1);
    expect((await t.get('/v1/fraud/decisions?cursor=bm9wZQ', key)).body.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(all.body)).not.toMatch(/80312\d{5}|172\.20/);

    // Webhooks: each refusal, and the block.
    expect(mine(accountId, 'fraud.blocked')).toHaveLength(refused.length);
    expect(mine(accountId, 'fraud.prefix_blocked').map((e) => e.data.id)).toEqual([block?.id]);
    // The safe list wins over the block.
    expect((await t.post('/v1/fraud/safe-list', { number: '+2348031299999' }, key)).status).toBe(201);
    expect((await t.post('/v1/verifications', { channel: 'sms', to: '+2348031299999' }, key, { 'x-forwarded-for': '172.20.99.9' })).status).toBe(201);
    // Another account sees none of it and cannot lift it.
    const other = await t.tenant();
    expect(await blocks(other.key)).toHaveLength(0);
    expect((await t.get('/v1/fraud/decisions', other.key)).body.decisions).toHaveLength(0);
    expect((await t.delete(`/v1/fraud/blocks/${block?.id}`, other.key)).body.code).toBe('FRAUD_BLOCK_NOT_FOUND');
  });

  it('let a block run out, announce it, and block longer when the pattern comes back', async () => {
    const { accountId, key } = await t.tenant();
    await attack(key, '+23470312', 20);
    const [first] = await blocks(key, '?active=true');
    expect(first).toMatchObject({ prefix: '+2347031', level: 0 });
    t.clock.advance(15 * MINUTE);
    expect(await blocks(key, '?active=true')).toHaveLength(0);
    await t.app.parts.prefixBlocks.sweep(0);
    await t.app.parts.prefixBlocks.sweep(0);
    expect(mine(accountId, 'fraud.prefix_unblocked').map((e) => [e.data.id, e.data.why])).toEqual([[first?.id, 'expired']]);

    // The attack resumes: the prefix is blocked again, for an hour, then for a day.
    await attack(key, '+23470312', 10);
    const [second] = await blocks(key, '?active=true');
    expect(second).toMatchObject({ prefix: '+2347031', level: 1 });
    expect(Date.parse(second?.expires_at as string) - Date.parse(second?.created_at as string)).toBe(60 * MINUTE);
    t.clock.advance(60 * MINUTE);
    await attack(key, '+23470312', 20);
    const [third] = await blocks(key, '?active=true');
    expect(third).toMatchObject({ level: 2 });
    expect(Date.parse(third?.expires_at as string) - Date.parse(third?.created_at as string)).toBe(24 * 60 * MINUTE);
    expect((await blocks(key)).map((b) => b.level)).toEqual([2, 1, 0]);
    expect((await blocks(key, '?active=false')).map((b) => b.id)).toEqual([second?.id, first?.id]);
  });

  it('lift a block at once: the prefix is judged again, and a lifted block does not make the next one longer', async () => {
    const { accountId, key } = await t.tenant();
    await attack(key, '+23490312', 20);
    const [block] = await blocks(key, '?active=true');
    const lifted = await t.delete(`/v1/fraud/blocks/${block?.id}`, key);
    expect(lifted.status).toBe(200);
    expect(lifted.body).toMatchObject({ id: block?.id, active: false, lifted_at: expect.any(String) });
    expect(await blocks(key, '?active=true')).toHaveLength(0);
    expect(mine(accountId, 'fraud.prefix_unblocked').map((e) => [e.data.id, e.data.why])).toEqual([[block?.id, 'lifted']]);
    expect((await t.delete(`/v1/fraud/blocks/${block?.id}`, key)).body.code).toBe('FRAUD_BLOCK_NOT_FOUND');
    // The next start is scored, not refused by the block.
    const [next] = await attack(key, '+23490312', 1);
    expect(next?.body.signals).not.toContain('prefix_blocked');
    await attack(key, '+23490312', 10);
    expect((await blocks(key, '?active=true'))[0]).toMatchObject({ level: 0 });
  });

  it('follow a service’s own mode and threshold over the account’s', async () => {
    const { key } = await t.tenant();
    const service = await t.post('/v1/services', { name: 'signup' }, key);
    expect(service.status).toBe(201);
    const put = await t.put('/v1/fraud/settings', { service: service.body.id, mode: 'shadow' }, key);
    expect(put.body).toMatchObject({ mode: 'enforce', services: { [service.body.id]: { mode: 'shadow' } } });
    expect((await t.put('/v1/fraud/settings', { service: 'svc_nosuchservice1', mode: 'off' }, key)).body.code).toBe('SERVICE_NOT_FOUND');
    expect((await t.put('/v1/fraud/settings', { service: service.body.id, caps: { daily: 1 } }, key)).body.code).toBe('VALIDATION_FAILED');
    const through: number[] = [];
    for (let i = 0; i < 30; i++) {
      const r = await t.post('/v1/verifications', { channel: 'sms', service: service.body.id, to: `+23481312${String(10_000 + i * 37).padStart(5, '0')}` }, key, {
        'x-forwarded-for': `172.21.0.${i + 1}`,
      });
      through.push(r.status);
      t.clock.advance(50);
    }
    expect(through.every((s) => s === 201)).toBe(true);
    const shadow = await t.get('/v1/fraud/decisions?outcome=shadow_refused', key);
    expect(shadow.body.decisions.length).toBeGreaterThan(0);
    expect(shadow.body.decisions[0]).toMatchObject({ mode: 'shadow', service_id: service.body.id, verification_id: expect.stringMatching(/^ver_/) });
    // The same burst without the service is the account's, and refused.
    expect((await attack(key, '+23481313', 30)).some((a) => a.status === 403)).toBe(true);
    expect((await t.put('/v1/fraud/settings', { service: service.body.id, mode: null }, key)).body.services).toEqual({});
  });
});
