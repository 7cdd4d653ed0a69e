import { get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnBackends, startTestApp, type TestApp } from '../helpers/test-app.js';
import { verificationRow } from '../helpers/verification-row.js';

const ROWS = 100_000;

describeOnBackends('the CSV export of verifications', (backend) => {
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    t = await startTestApp(backend);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => t?.close());

  /** The export over a real connection; `onChunk` may pause the response to hold the server back. */
  const download = (query: string, key = t.operator, onChunk?: (res: import('node:http').IncomingMessage, n: number) => void) =>
    new Promise<{ status: number; headers: Record<string, unknown>; lines: number; first: string[]; last: string }>((resolve, reject) => {
      get(`${base}/v1/verifications/export${query}`, { headers: { authorization: t.auth(key) } }, (res) => {
        let lines = 0;
        let n = 0;
        let tail = '';
        const first: string[] = [];
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          n += 1;
          const parts = (tail + chunk).split('\r\n');
          tail = parts.pop() ?? '';
          lines += parts.length;
          if (first.length < 3) first.push(...parts.slice(0, 3 - first.length));
          onChunk?.(res, n);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, lines, first, last: tail }));
        res.on('error', reject);
      }).on('error', reject);
    });

  it('streams the verifications the filters match, newest first, under a header row', async () => {
    const a = await t.post('/v1/verifications', { to: '+15005550006', channel: 'sms', metadata: { batch: `csv-${backend.name}`, note: 'a, "b"' } });
    t.clock.advance(1000);
    const b = await t.post('/v1/verifications', { to: '+15005550006', channel: 'sms', metadata: { batch: `csv-${backend.name}` } });
    await t.post(`/v1/verifications/${b.body.id}/cancel`);
    const r = await download(`?metadata.batch=csv-${backend.name}`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(r.headers['content-disposition']).toBe('attachment; filename="verifications.csv"');
    expect(r.lines).toBe(3);
    expect(r.first[0]).toBe('id,created_at,updated_at,status,channel,to,country,line_type,service_id,attempts,sends,failure_reason,failure_provider_error,metadata');
    expect(r.first[1]).toMatch(new RegExp(`^${b.body.id},.*,canceled,sms,\\+15005550006,US,mobile,,0,1,canceled,,"\\{""batch""`));
    expect(r.first[2]).toContain(`${a.body.id},`);
    expect(r.first[2]).toContain('""note"":""a, \\""b\\""""');
    expect((await download(`?metadata.batch=csv-${backend.name}&status=canceled`)).lines).toBe(2);
  });

  it('exports only the caller’s own verifications; another account’s needs the operator key', async () => {
    const tenant = await t.tenant();
    const mine = await t.post('/v1/verifications', { to: '+15005550006', channel: 'sms' }, tenant.key);
    const own = await download('', tenant.key);
    expect(own.lines).toBe(2);
    expect(own.first[1]).toContain(mine.body.id);
    const refused = await t.get(`/v1/verifications/export?account=${(await t.verity.accounts.first())?.id}`, tenant.key);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('FORBIDDEN');
    expect((await t.get('/v1/verifications/export?format=xlsx')).status).toBe(400);
  });

  it(`streams ${ROWS.toLocaleString('en')} rows a page at a time, held back while the reader does not read`, async () => {
    const tenant = await t.tenant();
    const now = t.clock.now();
    const row = (i: number) =>
      verificationRow(tenant.accountId, now - ROWS + i, {
        id: `ver_bulk${String(i).padStart(8, '0')}`,
        to: `+1500555${String(i % 10_000).padStart(4, '0')}`,
        country: 'US',
        status: 'expired',
        code_sealed: null,
        failure_reason: 'expired',
        updated_at: now,
      });
    for (let i = 0; i < ROWS; i += 500) {
      await t.verity.database.db
        .insertInto('verifications')
        .values(Array.from({ length: Math.min(500, ROWS - i) }, (_, j) => row(i + j)))
        .execute();
    }
    // Each page the export reads asks the clock once; counting those shows how far the server got.
    const clock = t.clock;
    const original = clock.now.bind(clock);
    let asked = 0;
    clock.now = () => ((asked += 1), original());
    let heldAt = -1;
    try {
      const r = await download('', tenant.key, (res, n) => {
        if (n !== 1) return;
        res.pause();
        // Long enough for the server to read every page if nothing held it back.
        setTimeout(() => {
          heldAt = asked;
          res.resume();
        }, 3000);
      });
      expect(r.status).toBe(200);
      expect(r.lines).toBe(ROWS + 1);
      expect(r.first[1]).toMatch(/^ver_bulk00099999,/);
      expect(r.last).toBe('');
      // While the reader held back, the server stopped short of the 100 pages: what it had read sat
      // in the socket's buffers (a few MB on loopback), not in memory.
      expect(heldAt).toBeGreaterThan(0);
      expect(heldAt).toBeLessThan(80);
      expect(asked).toBeGreaterThanOrEqual(100);
    } finally {
      clock.now = original;
    }
  }, 120_000);
});
