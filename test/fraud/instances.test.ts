import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/http/types.js';
import { BACKENDS, lastCode, startTestApp, type TestApp } from '../helpers/test-app.js';

type Key = Awaited<ReturnType<TestApp['tenant']>>['key'];
const PG = BACKENDS[1] as (typeof BACKENDS)[number];
const REDIS = process.env.TEST_REDIS_URL;

/** Two instances on one PostgreSQL, sharing what their pumping rules observe through the database, or through Redis. */
for (const via of ['postgres', 'redis'] as const) {
  const missing = !PG.url ? 'TEST_DATABASE_URL' : via === 'redis' && !REDIS ? 'TEST_REDIS_URL' : undefined;
  (missing ? describe.skip : describe)(`the pumping rules across two instances, shared through ${via}${missing ? ` (skipped: ${missing} is not set)` : ''}`, () => {
    let t: TestApp;
    let other: App;
    beforeAll(async () => {
      t = await startTestApp(PG, { env: { FRAUD_MODE: 'enforce', TRUST_PROXY: 'true', ...(via === 'redis' ? { REDIS_URL: REDIS as string } : {}) } });
      other = await t.sibling();
    });
    afterAll(async () => t?.close());

    const start = async (app: App, key: Key, to: string, ip: string) => {
      const r = await app.inject({
        method: 'POST',
        url: '/v1/verifications',
        headers: { authorization: t.auth(key), 'content-type': 'application/json', 'x-forwarded-for': ip },
        payload: JSON.stringify({ channel: 'sms', to }),
      });
      const body = r.json() as { id?: string; verification_id?: string };
      return (body.id ?? body.verification_id) as string;
    };
    /** The points each signal gave a start, from its timeline. */
    const points = async (key: Key, id: string) => {
      const events = (await t.get(`/v1/verifications/${id}/events`, key)).body.events as Array<{ data: { fraud?: { signals: Array<{ signal: string; points: number }> } } }>;
      return Object.fromEntries((events[0]?.data.fraud?.signals ?? []).map((s) => [s.signal, s.points]));
    };
    /** Both instances send what they observed and read what the other did. */
    const exchange = async (first: App, second: App) => {
      await first.parts.pumpingExchange?.sync();
      await second.parts.pumpingExchange?.sync();
    };

    it('judge a walk through one block the same when its steps land on different instances', async () => {
      expect(t.app.parts.pumpingExchange).toBeDefined();
      const { key } = await t.tenant();
      for (const [i, tail] of [1, 3, 5].entries()) await start(t.app, key, `+447400123${String(tail).padStart(3, '0')}`, `10.7.0.${i + 1}`);
      await exchange(t.app, other);
      // Three earlier steps within 20 of it, all seen by the other instance: full strength.
      expect((await points(key, await start(other, key, '+447400123007', '10.7.0.9'))).sequential).toBe(35);
      // Control: a block nobody walked.
      expect((await points(key, await start(other, key, '+447400777007', '10.7.0.10'))).sequential).toBeUndefined();
    });

    it('learn on one instance that a code was typed on the other', async () => {
      const { key } = await t.tenant();
      await start(other, key, '+447400555001', '10.8.0.1');
      await start(other, key, '+447400555003', '10.8.0.2');
      await exchange(other, t.app);
      // The first user types the code on the other instance.
      const listed = (await t.get('/v1/verifications?limit=2', key)).body.verifications as Array<{ id: string; to: string }>;
      const first = listed.find((v) => v.to.endsWith('001')) as { id: string };
      const checked = await t.post(`/v1/verifications/${first.id}/check`, { code: await lastCode(t, '+447400555001', key) }, key);
      expect(checked.body.status).toBe('approved');
      await exchange(t.app, other);
      // Only the untyped step counts: one of three.
      expect((await points(key, await start(other, key, '+447400555005', '10.8.0.3'))).sequential).toBeCloseTo(35 / 3, 0);
    });
  });
}
