import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnBackends, startTestApp, type TestApp } from '../helpers/test-app.js';

let n = 0;
/** A fresh Brazilian mobile number per start, so per-destination limits never refuse one. */
function mobile(): string {
  n += 1;
  return `+55119${String(70000000 + n * 7919).padStart(8, '0')}`;
}

interface View {
  id: string;
  to: string;
  status: string;
  channel: string;
  country: string | null;
  service_id: string | null;
  created_at: string;
  failure_reason: string | null;
  metadata: Record<string, unknown> | null;
}

describeOnBackends('list and search of verifications', (backend) => {
  let t: TestApp;
  const list = async (query: string, key?: Parameters<TestApp['get']>[1]) => t.get(`/v1/verifications${query ? `?${query}` : ''}`, key);
  const ids = (r: { body: { verifications: View[] } }) => r.body.verifications.map((v) => v.id);
  const start = async (body: Record<string, unknown>, key?: Parameters<TestApp['post']>[2]) => {
    const r = await t.post('/v1/verifications', { channel: 'sms', to: mobile(), ...body }, key);
    expect(r.status).toBe(201);
    t.clock.advance(1000);
    return r.body as View;
  };

  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(async () => t?.close());

  it('lists newest first, each as GET /v1/verifications/{id} shows it, with failure_reason', async () => {
    const a = await start({ metadata: { order: 'A-1' } });
    const b = await start({});
    await t.post(`/v1/verifications/${b.id}/cancel`);
    const r = await list('limit=2');
    expect(r.status).toBe(200);
    expect(ids(r)).toEqual([b.id, a.id]);
    expect(r.body.next_cursor).toBeNull();
    const first = await list('limit=1');
    expect(ids(first)).toEqual([b.id]);
    expect(ids(await list(`limit=1&cursor=${first.body.next_cursor}`))).toEqual([a.id]);
    expect(r.body.verifications[0]).toEqual((await t.get(`/v1/verifications/${b.id}`)).body);
    expect(r.body.verifications[0]).toMatchObject({ status: 'canceled', failure_reason: 'canceled' });
    expect(r.body.verifications[1]).toMatchObject({ status: 'pending', failure_reason: null, metadata: { order: 'A-1' } });
  });

  it('narrows by status, channel, country, service, creation time and metadata, all at once', async () => {
    const svc = (await t.post('/v1/services', { name: `list-${backend.name}` })).body.id as string;
    const from = new Date(t.clock.now()).toISOString();
    const sms = await start({ service: svc, metadata: { user: 'u-42', tries: 3, vip: true } });
    const mail = await start({ channel: 'email', to: `list-${backend.name}@example.com`, service: svc, metadata: { user: 'u-42' } });
    const ar = await start({ to: '+5491123456789', metadata: { user: 'u-7' } });
    const gone = await start({ service: svc });
    await t.post(`/v1/verifications/${gone.id}/cancel`);
    const to = new Date(t.clock.now()).toISOString();
    const since = `created_from=${encodeURIComponent(from)}&created_to=${encodeURIComponent(to)}`;

    expect(ids(await list(since))).toEqual([gone.id, ar.id, mail.id, sms.id]);
    expect(ids(await list(`${since}&status=pending`))).toEqual([ar.id, mail.id, sms.id]);
    expect(ids(await list(`${since}&status=canceled`))).toEqual([gone.id]);
    expect(ids(await list(`${since}&channel=email`))).toEqual([mail.id]);
    expect(ids(await list(`${since}&country=AR`))).toEqual([ar.id]);
    expect(ids(await list(`${since}&country=br&service=${svc}`))).toEqual([gone.id, sms.id]);
    expect(ids(await list(`${since}&metadata.user=u-42`))).toEqual([mail.id, sms.id]);
    expect(ids(await list(`${since}&metadata.user=u-42&channel=sms`))).toEqual([sms.id]);
    expect(ids(await list(`${since}&metadata.tries=3`))).toEqual([sms.id]);
    expect(ids(await list(`${since}&metadata.vip=true`))).toEqual([sms.id]);
    expect(ids(await list(`${since}&metadata.vip=false`))).toEqual([]);
    expect(ids(await list(`${since}&metadata.missing=u-42`))).toEqual([]);
    expect(ids(await list(`created_from=${encodeURIComponent(to)}`))).toEqual([]);
  });

  it('reads a pending verification past its expiry as expired, as GET does', async () => {
    const v = await start({ metadata: { case: 'expiry' } });
    t.clock.advance(3_600_000);
    expect(ids(await list('metadata.case=expiry&status=expired'))).toEqual([v.id]);
    expect(ids(await list('metadata.case=expiry&status=pending'))).toEqual([]);
    expect((await list('metadata.case=expiry')).body.verifications[0]).toMatchObject({ status: 'expired', failure_reason: 'expired' });
  });

  it('finds a destination however it is pasted', async () => {
    const v = await start({ to: '+5511987650011' });
    const mail = await start({ channel: 'email', to: `Paste.${backend.name}@Example.com` });
    for (const pasted of ['+5511987650011', '+55 (11) 98765-0011', '55 11 98765 0011', '005511987650011', '+55.11.98765.0011']) {
      expect(ids(await list(`to=${encodeURIComponent(pasted)}`)), pasted).toEqual([v.id]);
    }
    expect(ids(await list(`to=${encodeURIComponent(`PASTE.${backend.name}@example.COM`)}`))).toEqual([mail.id]);
  });

  it('pages by cursor without repeating or skipping a row while new ones are started', async () => {
    const mark = `walk-${backend.name}`;
    const before: string[] = [];
    for (let i = 0; i < 23; i++) before.unshift((await start({ metadata: { walk: mark } })).id);
    // Two in the same millisecond: the id breaks the tie, in the cursor as in the order.
    const same = await Promise.all([
      t.post('/v1/verifications', { channel: 'sms', to: mobile(), metadata: { walk: mark } }),
      t.post('/v1/verifications', { channel: 'sms', to: mobile(), metadata: { walk: mark } }),
    ]);
    const tied = same
      .map((r) => r.body.id as string)
      .sort()
      .reverse();
    t.clock.advance(1000);
    const expected = [...tied, ...before];
    for (const order of ['desc', 'asc'] as const) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const r = await list(`metadata.walk=${mark}&limit=4&order=${order}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(r.status).toBe(200);
        expect(r.body.verifications.length).toBeLessThanOrEqual(4);
        seen.push(...ids(r));
        cursor = r.body.next_cursor;
        pages += 1;
        // Started between pages: newer than every row the walk has seen.
        await start({ metadata: { walk: mark } });
      } while (cursor && pages < 20);
      const original = seen.filter((id) => expected.includes(id));
      expect(original).toEqual(order === 'desc' ? expected : [...expected].reverse());
      expect(new Set(seen).size).toBe(seen.length);
      if (order === 'desc') expect(seen).toEqual(original);
    }
  });

  it('shows an account only its own verifications; the operator may name an account', async () => {
    const tenant = await t.tenant();
    const operatorAccount = (await t.verity.accounts.first())?.id as string;
    const mine = await start({ metadata: { who: 'tenant' } }, tenant.key);
    const operators = await start({ metadata: { who: 'operator' } });
    expect(ids(await list('', tenant.key))).toEqual([mine.id]);
    expect(ids(await list('metadata.who=tenant'))).toEqual([]);
    expect(ids(await list(`account=${tenant.accountId}`))).toEqual([mine.id]);
    expect(ids(await list(`metadata.who=operator&account=${operatorAccount}`))).toEqual([operators.id]);
    const other = await list(`account=${operatorAccount}`, tenant.key);
    expect(other.status).toBe(403);
    expect(other.body.code).toBe('FORBIDDEN');
    expect(ids(await list(`account=${tenant.accountId}`, tenant.key))).toEqual([mine.id]);
    expect((await list('', null)).status).toBe(401);
  });

  it.each([
    ['limit=201', 'limit'],
    ['limit=0', 'limit'],
    ['cursor=bm90LWEtY3Vyc29y', 'cursor'],
    ['country=BRA', 'country'],
    ['status=done', 'status'],
    ['channel=pigeon', 'channel'],
    ['colour=red', 'colour'],
    ['metadata.a%20b=1', 'metadata.a b'],
    ['to=not-a-number', 'to'],
    ['created_from=yesterday', 'created_from'],
    ['order=random', 'order'],
  ])('refuses %s with a problem naming it', async (query, name) => {
    const r = await list(query);
    expect(r.status).toBe(400);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(r.body.code).toBe('VALIDATION_FAILED');
    expect(r.body.detail).toContain(name);
  });
});
