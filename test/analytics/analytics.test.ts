import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { APPROVAL_BOUNDS_S, bucketOf } from '../../src/analytics/buckets.js';
import { APPROVED_WITHIN } from '../../src/analytics/tally.js';
import { startJsonGateway, type JsonGateway } from '../fakes/http-gateway/json-gateway.js';
import { describeOnBackends, startTestApp, type TestApp } from '../helpers/test-app.js';

const gateway = (name: string, url: string) => ({ name, type: 'http', url, body: { to: '{to}', text: '{text}' }, messageIdPath: 'id', timeoutMs: 2000 });
const DAY = 86_400_000;

type Key = Awaited<ReturnType<TestApp['tenant']>>['key'];
interface Started {
  id: string;
  to: string;
}

describeOnBackends('conversion and delivery analytics', (backend) => {
  let t: TestApp;
  let flaky: JsonGateway;
  let good: JsonGateway;
  let refuser: JsonGateway;
  let n = 0;

  beforeAll(async () => {
    flaky = await startJsonGateway(503);
    good = await startJsonGateway(200);
    refuser = await startJsonGateway(400);
    t = await startTestApp(backend, {
      env: {
        PROVIDERS: JSON.stringify([gateway('flaky', flaky.url), gateway('good', good.url), gateway('refuser', refuser.url)]),
        ROUTES: JSON.stringify([
          { channel: 'sms', prefix: '44', provider: 'refuser', priority: 1 },
          { channel: 'sms', prefix: '55', provider: 'flaky', priority: 1 },
          { channel: 'sms', prefix: '55', provider: 'good', priority: 2 },
        ]),
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([flaky?.close(), good?.close(), refuser?.close()]);
  });

  /** A postpaid tenant paying 0.05 per Brazilian and 0.07 per British SMS. */
  const tenant = async () => {
    const tn = await t.tenant({ postpaid: true });
    const prices = [
      { channel: 'sms', prefix: '55', price: 0.05 },
      { channel: 'sms', prefix: '44', price: 0.07 },
    ];
    const r = await t.app.inject({
      method: 'PUT',
      url: `/v1/accounts/${tn.accountId}/prices`,
      headers: { authorization: t.auth(), 'content-type': 'application/json' },
      payload: JSON.stringify({ prices }),
    });
    expect(r.statusCode).toBe(200);
    return tn;
  };
  const destination = (kind: 'BR' | 'GB' | 'magic' | 'magic-undeliverable'): string => {
    n += 1;
    if (kind === 'magic') return '+15005550006';
    if (kind === 'magic-undeliverable') return '+15005550001';
    return kind === 'BR' ? `+55119${String(70_000_000 + n * 7919).padStart(8, '0')}` : `+447400${String(100_000 + n * 7).padStart(6, '0')}`;
  };
  const start = async (key: Key, to: string, service?: string): Promise<Started> => {
    const r = await t.post('/v1/verifications', { channel: 'sms', to, ...(service ? { service } : {}) }, key);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return { id: r.body.id as string, to };
  };
  /** The code a verification was sent: the magic numbers' fixed one, or the gateway's last message to it. */
  const codeOf = (v: Started): string | undefined => {
    if (v.to.startsWith('+1500555')) return '123456';
    const sent = good.calls.filter((c) => c.body.to === v.to || `+${c.body.to}` === v.to).at(-1);
    return sent?.body.text.match(/\d{6}/)?.[0];
  };
  const providerIdOf = (v: Started): string | undefined => {
    const i = good.calls.findLastIndex((c) => c.body.to === v.to || `+${c.body.to}` === v.to);
    return i < 0 ? undefined : `gw-${i + 1}`;
  };
  const analytics = async (query: string, key?: Key | null) => t.get(`/v1/analytics/verifications?${query}`, key);

  it('counts starts, messages, spend, approvals and failures under channel, country, service and first provider', async () => {
    const { key } = await tenant();
    const svc = (await t.post('/v1/services', { name: 'shop' }, key)).body.id as string;
    const from = new Date(t.clock.now()).toISOString();
    const br = await start(key, destination('BR'), svc);
    await start(key, destination('GB'));
    const magic = await start(key, destination('magic'), svc);
    await t.verity.worker.drain();
    await t.verity.worker.receipt('good', { providerMessageId: providerIdOf(br) as string, status: 'delivered' });
    t.clock.advance(42_000);
    expect((await t.post(`/v1/verifications/${br.id}/check`, { code: codeOf(br) }, key)).body.status).toBe('approved');
    expect((await t.post(`/v1/verifications/${magic.id}/cancel`, undefined, key)).status).toBe(200);

    const r = await analytics(`from=${from}&group_by=country,provider,service`, key);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.totals).toMatchObject({ started: 3, sent: 2, delivered: 2, approved: 1, failed: 1, canceled: 1, expired: 0, pending: 0, conversion_rate: 0.3333, spend_micros: 120_000 });
    const row = (country: string | null) => r.body.data.find((d: { country: string | null }) => d.country === country);
    expect(row('BR')).toMatchObject({ provider: 'flaky', service: svc, started: 1, sent: 1, delivered: 1, approved: 1, spend_micros: 50_000, conversion_rate: 1 });
    // 42 s lies in the 30–45 s bucket: the estimate stays inside it.
    expect(row('BR').time_to_approve_p50_s).toBeGreaterThan(30);
    expect(row('BR').time_to_approve_p50_s).toBeLessThanOrEqual(45);
    // The database's estimate for a group is the same as the one made from the totals' buckets.
    expect(row('BR').time_to_approve_p90_s).toBe(r.body.totals.time_to_approve_p90_s);
    expect(row('GB'), JSON.stringify(r.body.data)).toMatchObject({ provider: 'refuser', service: null, started: 1, sent: 0, failed: 1, spend_micros: 70_000, conversion_rate: 0 });
    expect(row('US')).toMatchObject({ provider: 'sandbox', started: 1, sent: 1, delivered: 1, canceled: 1, spend_micros: 0 });

    const outcomes = await analytics(`from=${from}&group_by=outcome`, key);
    expect(outcomes.body.data.map((d: { outcome: string; started: number }) => [d.outcome, d.started]).sort()).toEqual([
      ['approved', 1],
      ['canceled', 1],
      ['failed', 1],
    ]);

    const p = await t.get(`/v1/analytics/providers?from=${from}`, key);
    expect(p.status).toBe(200);
    const byName = Object.fromEntries(p.body.providers.map((x: { provider: string }) => [x.provider, x]));
    expect(byName.flaky).toMatchObject({ channel: 'sms', attempts: 1, sent: 0, errors: 1, top_errors: [{ code: 'PROVIDER_UNAVAILABLE', count: 1 }] });
    expect(byName.good).toMatchObject({ attempts: 1, sent: 1, delivered: 1, receipts: 1, delivery_rate: 1, acceptance_rate: 1 });
    expect(byName.good.receipt_p50_ms).toEqual(expect.any(Number));
    expect(byName.refuser).toMatchObject({ attempts: 1, errors: 1, failed: 1, delivery_rate: null });
    expect(byName.refuser.top_errors[0].count).toBe(1);
    expect(byName.sandbox).toMatchObject({ sent: 1, delivered: 1 });

    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/verity_provider_messages_total\{provider="good",channel="sms",outcome="delivered"\} [1-9]/);
    expect(metrics).toMatch(/verity_provider_messages_total\{provider="flaky",channel="sms",outcome="error"\} [1-9]/);
    expect(metrics).toMatch(/verity_verifications_ended_total\{channel="sms",outcome="approved"\} [1-9]/);
    expect(metrics).toMatch(/verity_verifications_ended_total\{channel="sms",outcome="canceled"\} [1-9]/);
  });

  it('keeps each account to its own figures; only the operator may name another account', async () => {
    const a = await tenant();
    const b = await tenant();
    const from = new Date(t.clock.now()).toISOString();
    await start(a.key, destination('magic'));
    expect((await analytics(`from=${from}`, a.key)).body.totals.started).toBe(1);
    expect((await analytics(`from=${from}`, b.key)).body.totals.started).toBe(0);
    expect((await t.get(`/v1/analytics/providers?from=${from}`, b.key)).body.providers).toEqual([]);
    const refused = await analytics(`from=${from}&account=${a.accountId}`, b.key);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('FORBIDDEN');
    expect((await t.get(`/v1/analytics/providers?account=${a.accountId}`, b.key)).status).toBe(403);
    expect((await analytics(`from=${from}&account=${a.accountId}`)).body.totals.started).toBe(1);
    expect((await analytics('', null)).status).toBe(401);
  });

  it('answers a bad group, interval or range with a problem naming it', async () => {
    const bad = async (q: string, text: string) => {
      const r = await analytics(q);
      expect(r.status, q).toBe(400);
      expect(r.body.code).toBe('VALIDATION_FAILED');
      expect(r.body.detail).toContain(text);
    };
    await bad('group_by=channel,colour', 'group_by');
    await bad('interval=week', 'interval');
    await bad('from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'from must be before to');
    await bad('interval=hour&from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z', 'at most 744 hours');
    await bad('from=yesterday', 'from');
  });

  it('reads per hour and per day: a verification is counted in the period it started', async () => {
    const { key } = await tenant();
    const day = Math.floor(t.clock.now() / DAY) * DAY + DAY;
    t.clock.advance(day + 3_600_000 * 23 + 3_300_000 - t.clock.now()); // 23:55
    const late = await start(key, destination('magic'));
    t.clock.advance(420_000); // 00:02 the next day, within the code's lifetime
    await t.post(`/v1/verifications/${late.id}/check`, { code: '123456' }, key);
    await start(key, destination('magic'));
    const q = `from=${new Date(day).toISOString()}&to=${new Date(day + 2 * DAY).toISOString()}`;
    const days = (await analytics(`${q}&interval=day`, key)).body.data;
    expect(days.map((d: { period: string; started: number; approved: number }) => [d.period, d.started, d.approved])).toEqual([
      [new Date(day).toISOString(), 1, 1],
      [new Date(day + DAY).toISOString(), 1, 0],
    ]);
    const hours = (await analytics(`${q}&interval=hour`, key)).body.data;
    expect(hours.map((d: { period: string; started: number }) => [d.period, d.started])).toEqual([
      [new Date(day + 23 * 3_600_000).toISOString(), 1],
      [new Date(day + DAY).toISOString(), 1],
    ]);
  });

  it('outlives retention: the counts stay after the verifications and their events are deleted', async () => {
    const { key } = await tenant();
    const from = new Date(t.clock.now()).toISOString();
    const v = await start(key, destination('magic'));
    await t.post(`/v1/verifications/${v.id}/check`, { code: '123456' }, key);
    t.clock.advance(91 * DAY);
    await t.verity.retention.sweep();
    expect((await t.get(`/v1/verifications/${v.id}`, key)).status).toBe(404);
    const r = await analytics(`from=${from}&to=${new Date(Date.parse(from) + DAY).toISOString()}`, key);
    expect(r.body.totals).toMatchObject({ started: 1, approved: 1, sent: 1, delivered: 1 });
  });

  it('totals equal a recount from the raw rows after a randomized workload', async () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('start' as const),
        dest: fc.constantFrom('BR', 'GB', 'magic', 'magic-undeliverable') as fc.Arbitrary<'BR' | 'GB' | 'magic' | 'magic-undeliverable'>,
        service: fc.boolean(),
        drain: fc.boolean(),
      }),
      fc.record({ kind: fc.constant('check' as const), pick: fc.nat(), right: fc.boolean() }),
      fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('receipt' as const), pick: fc.nat(), delivered: fc.boolean() }),
      fc.record({ kind: fc.constant('drain' as const) }),
      fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 5 * 3_600_000 }) }),
      fc.record({ kind: fc.constant('sweep' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 10, maxLength: 40 }), async (ops) => {
        const { accountId, key } = await tenant();
        const svc = (await t.post('/v1/services', { name: `prop-${n}` }, key)).body.id as string;
        const from = t.clock.now();
        const started: Started[] = [];
        for (const o of ops) {
          const v = 'pick' in o ? started[o.pick % Math.max(1, started.length)] : undefined;
          if (o.kind === 'start') {
            started.push(await start(key, destination(o.dest), o.service ? svc : undefined));
            if (o.drain) await t.verity.worker.drain();
          } else if (o.kind === 'check' && v) await t.post(`/v1/verifications/${v.id}/check`, { code: o.right ? (codeOf(v) ?? '000000') : '000001' }, key);
          else if (o.kind === 'cancel' && v) await t.post(`/v1/verifications/${v.id}/cancel`, undefined, key);
          else if (o.kind === 'receipt') {
            // A receipt for one of the messages the gateway took.
            const taken = started.filter((x) => providerIdOf(x));
            const w = taken[o.pick % Math.max(1, taken.length)];
            if (w) await t.verity.worker.receipt('good', { providerMessageId: providerIdOf(w) as string, status: o.delivered ? 'delivered' : 'undeliverable' });
          } else if (o.kind === 'drain') await t.verity.worker.drain();
          else if (o.kind === 'advance') t.clock.advance(o.ms);
          else if (o.kind === 'sweep') await t.verity.verifications.sweep();
        }
        const q = `from=${new Date(from).toISOString()}&to=${new Date(t.clock.now() + 1).toISOString()}&group_by=channel,country,service,provider`;
        for (const interval of ['day', 'hour'] as const) {
          const r = await analytics(`${q}&interval=${interval}`, key);
          expect(r.status, JSON.stringify(r.body)).toBe(200);
          const got = r.body.data
            .map((d: Record<string, unknown>) => [d.period, d.channel, d.country, d.service, d.provider, d.started, d.sent, d.delivered, d.approved, d.failed, d.expired, d.canceled, d.spend_micros])
            .sort();
          expect(got).toEqual(await recount(accountId, interval === 'day' ? DAY : 3_600_000));
        }
        const approved = await t.verity.database.db.selectFrom('verifications').select(['created_at', 'updated_at']).where('account_id', '=', accountId).where('status', '=', 'approved').execute();
        const [hist] = await t.verity.database.db
          .selectFrom('verification_rollups')
          .select(APPROVED_WITHIN.map((b) => sql<number>`sum(${sql.ref(b)})`.as(b)))
          .where('account_id', '=', accountId)
          .where('grain', '=', 'd')
          .execute();
        const expected = new Map<number, number>();
        for (const a of approved) {
          const b = bucketOf(APPROVAL_BOUNDS_S, (Number(a.updated_at) - Number(a.created_at)) / 1000);
          expected.set(b, (expected.get(b) ?? 0) + 1);
        }
        // Running totals: the approvals within each bound.
        const within = APPROVED_WITHIN.map((b) => Number((hist as Record<string, unknown> | undefined)?.[b] ?? 0));
        expect(within).toEqual(APPROVED_WITHIN.map((_, i) => [...expected].filter(([b]) => b <= i).reduce((n, [, c]) => n + c, 0)));
      }),
      { numRuns: 8 },
    );
  });

  /** The verification rollups as the raw verifications and messages of an account say they should be. */
  async function recount(accountId: string, size: number): Promise<unknown[][]> {
    const { db } = t.verity.database;
    const vs = await db.selectFrom('verifications').selectAll().where('account_id', '=', accountId).execute();
    const ms = await db.selectFrom('messages').select(['verification_id', 'status', 'provider_message_id', 'price_micros']).where('account_id', '=', accountId).execute();
    const rows = new Map<string, unknown[]>();
    for (const v of vs) {
      const period = new Date(Math.floor(Number(v.created_at) / size) * size).toISOString();
      const k = JSON.stringify([period, v.channel, v.country, v.service_id, v.provider]);
      const row = rows.get(k) ?? [period, v.channel, v.country || null, v.service_id || null, v.provider || null, 0, 0, 0, 0, 0, 0, 0, 0];
      const add = (i: number, by = 1) => {
        row[i] = (row[i] as number) + by;
      };
      add(5);
      const ended = ['approved', 'failed', 'expired', 'canceled'].includes(v.status) ? v.status : v.status === 'pending' ? undefined : 'failed';
      if (ended) add(8 + ['approved', 'failed', 'expired', 'canceled'].indexOf(ended));
      for (const m of ms.filter((x) => x.verification_id === v.id)) {
        if (m.provider_message_id !== null) add(6);
        if (m.status === 'delivered') add(7);
        add(12, Number(m.price_micros));
      }
      rows.set(k, row);
    }
    return [...rows.values()].sort();
  }
});
