import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnBackends, startTestApp, type TestApp } from '../helpers/test-app.js';

const T = Date.parse('2026-01-01T00:00:00Z'); // the test clock's "now"
const iso = (ms: number) => new Date(ms).toISOString();

describeOnBackends('silent verification, operator side', (backend) => {
  let t: TestApp;
  let other: Awaited<ReturnType<TestApp['tenant']>>;
  beforeAll(async () => {
    t = await startTestApp(backend, { env: { SILENT_TOLERANCE_S: '30' } });
    other = await t.tenant();
    const put = await t.app.inject({
      method: 'PUT',
      url: '/v1/operator/ranges',
      headers: { authorization: t.auth(), 'content-type': 'application/json' },
      payload: JSON.stringify({ ranges: ['201.10.0.0/16', '2804:14c::/32', '201.10.5.7/16'] }),
    });
    expect(JSON.parse(put.body)).toEqual({ ranges: ['201.10.0.0/16', '2804:14c::/32'] });
    const accountId = (await t.get('/v1/balance')).body.account_id as string;
    // Without CGNAT: the handset holds a public address itself. Online since T-10 min.
    // With CGNAT: 100.64.1.2 is behind 201.10.9.9 ports 1024–2047 from T-1 h.
    await t.verity.operatorStore.recordSessions(accountId, [
      { status: 'start', sessionId: 's-online', msisdn: '+5511987650001', ip: '201.10.1.1', at: T - 600_000 },
      { status: 'start', sessionId: 's-ended', msisdn: '+5511987650002', ip: '201.10.1.2', at: T - 3_600_000 },
      { status: 'stop', sessionId: 's-ended', msisdn: '+5511987650002', ip: '201.10.1.2', at: T - 120_000 },
      { status: 'start', sessionId: 's-nat', msisdn: '+5511987650003', ip: '100.64.1.2', at: T - 3_600_000 },
      { status: 'start', sessionId: 's-nat-neighbour', msisdn: '+5511987650004', ip: '100.64.1.3', at: T - 3_600_000 },
      { status: 'start', sessionId: 's-v6', msisdn: '+5511987650005', ip: '2804:14c:0:0::10', at: T - 60_000 },
    ]);
  });
  afterAll(async () => t?.close());

  const lookup = async (body: Record<string, unknown>, key = t.operator) => (await t.post('/v1/operator/lookups', body, key)).body as { result: string; status: number };

  it('ingests CGNAT port blocks as JSON lines and reports bad lines by number', async () => {
    const lines = [
      JSON.stringify({ private_ip: '100.64.1.2', public_ip: '201.10.9.9', port_start: 1024, port_end: 2047, start: iso(T - 3_600_000) }),
      JSON.stringify({ private_ip: '100.64.1.3', public_ip: '201.10.9.9', port_start: 2048, port_end: 3071, start: Math.floor((T - 3_600_000) / 1000) }),
      'not json',
      JSON.stringify({ private_ip: '100.64.1.4', public_ip: 'nope', port_start: 1, port_end: 2, start: iso(T) }),
      JSON.stringify({ private_ip: '100.64.1.4', public_ip: '201.10.9.9', port_start: 9, port_end: 2, start: iso(T) }),
    ].join('\n');
    const r = await t.app.inject({ method: 'POST', url: '/v1/operator/cgnat', headers: { authorization: t.auth(), 'content-type': 'application/x-ndjson' }, payload: lines });
    expect(r.statusCode).toBe(200);
    expect(JSON.parse(r.body)).toEqual({
      ingested: 2,
      rejected: 3,
      errors: [
        { line: 3, error: 'not a JSON object' },
        { line: 4, error: 'public_ip is not an IP address' },
        { line: 5, error: 'port_start and port_end must be ports with port_start ≤ port_end' },
      ],
    });
  });

  it('answers verified and online for a number whose session holds the address now (200)', async () => {
    expect(await lookup({ msisdn: '+5511987650001', ip: '201.10.1.1' })).toEqual({ result: 'verified_online', status: 200 });
    expect(await lookup({ msisdn: '+5511987650005', ip: '2804:14c::10' })).toEqual({ result: 'verified_online', status: 200 });
  });

  it('answers verified but offline for a number whose session has ended (202)', async () => {
    expect(await lookup({ msisdn: '+5511987650002', ip: '201.10.1.2', timestamp: iso(T - 600_000) })).toEqual({ result: 'verified_offline', status: 202 });
  });

  it('answers no match for another number, or outside the session’s time beyond the tolerance (404)', async () => {
    expect(await lookup({ msisdn: '+5511987659999', ip: '201.10.1.1' })).toEqual({ result: 'no_match', status: 404 });
    // Ended at T-120 s: 100 s after the end is past the 30 s tolerance, 20 s after is within it.
    expect((await lookup({ msisdn: '+5511987650002', ip: '201.10.1.2', timestamp: iso(T - 20_000) })).result).toBe('no_match');
    expect((await lookup({ msisdn: '+5511987650002', ip: '201.10.1.2', timestamp: iso(T - 100_000) })).result).toBe('verified_offline');
    // Started at T-10 min: 20 s before the start is within the tolerance, 60 s is not.
    expect((await lookup({ msisdn: '+5511987650001', ip: '201.10.1.1', timestamp: iso(T - 620_000) })).result).toBe('verified_online');
    expect((await lookup({ msisdn: '+5511987650001', ip: '201.10.1.1', timestamp: iso(T - 660_000) })).result).toBe('no_match');
  });

  it('answers outside the ranges for an address that is not the operator’s (418)', async () => {
    expect(await lookup({ msisdn: '+5511987650001', ip: '8.8.8.8' })).toEqual({ result: 'outside_ranges', status: 418 });
    expect((await lookup({ msisdn: '+5511987650001', ip: 'not-an-ip' })).result).toBe('outside_ranges');
  });

  it('follows a CGNAT port block from the public ip:port to the subscriber behind it', async () => {
    expect((await lookup({ msisdn: '+5511987650003', ip: '201.10.9.9', port: 1500 })).result).toBe('verified_online');
    // The neighbour's block: the same public address, other ports.
    expect((await lookup({ msisdn: '+5511987650003', ip: '201.10.9.9', port: 2500 })).result).toBe('no_match');
    expect((await lookup({ msisdn: '+5511987650004', ip: '201.10.9.9', port: 2500 })).result).toBe('verified_online');
    // Before the block was allocated (beyond the tolerance) nobody was behind it.
    expect((await lookup({ msisdn: '+5511987650003', ip: '201.10.9.9', port: 1500, timestamp: iso(T - 7_200_000) })).result).toBe('no_match');
  });

  it('records a session once however often the same accounting event arrives, and closes it on Stop', async () => {
    const accountId = (await t.get('/v1/balance')).body.account_id as string;
    const start = { status: 'start' as const, sessionId: 's-dup', msisdn: '+5511987650006', ip: '201.10.2.2', at: T - 60_000 };
    await t.verity.operatorStore.recordSessions(accountId, [start, start]);
    await t.verity.operatorStore.recordSessions(accountId, [start]);
    const rows = await t.verity.database.db.selectFrom('operator_sessions').selectAll().where('session_id', '=', 's-dup').execute();
    expect(rows).toHaveLength(1);
    await t.verity.operatorStore.recordSessions(accountId, [{ ...start, status: 'stop', at: T - 1_000 }]);
    expect((await lookup({ msisdn: '+5511987650006', ip: '201.10.2.2' })).result).toBe('verified_offline');
  });

  it('keeps each operator’s data to itself', async () => {
    expect((await t.get('/v1/operator/ranges', other.key)).body.ranges).toEqual([]);
    expect(await lookup({ msisdn: '+5511987650001', ip: '201.10.1.1' }, other.key)).toEqual({ result: 'outside_ranges', status: 418 });
  });

  it('refuses ranges that are not CIDR blocks', async () => {
    const r = await t.app.inject({
      method: 'PUT',
      url: '/v1/operator/ranges',
      headers: { authorization: t.auth(), 'content-type': 'application/json' },
      payload: JSON.stringify({ ranges: ['10.0.0.0/33'] }),
    });
    expect(JSON.parse(r.body).code).toBe('INVALID_CIDR');
  });

  it('forgets ended sessions past the retention', async () => {
    const purged = await t.verity.operatorStore.purge(T);
    expect(purged).toBeGreaterThanOrEqual(1);
    expect((await lookup({ msisdn: '+5511987650002', ip: '201.10.1.2', timestamp: iso(T - 600_000) })).result).toBe('no_match');
  });
});
