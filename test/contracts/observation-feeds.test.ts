import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Observation } from '../../src/fraud/pumping/engine.js';
import type { ObservationFeed } from '../../src/fraud/pumping/exchange.js';
import { RedisFeed, SqlFeed } from '../../src/fraud/pumping/feeds.js';
import { connectRedis } from '../../src/limits/redis-client.js';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../helpers/test-app.js';

const PG = BACKENDS[1] as (typeof BACKENDS)[number];
const REDIS = process.env.TEST_REDIS_URL;
const start = (n: number): Observation => ({ k: 's', a: 'acc_1', c: 'GB', r: '+447400', t: n, ip: 'ip', to: `to${n}`, p: 0, at: n });

const approval = (at: number): Observation => ({ k: 'a', a: 'acc_1', c: 'GB', r: '+447400', t: 1, to: 'to1', at });

interface Opened {
  feeds: (origin: string) => ObservationFeed;
  /** Publishes `batch` as `origin` in a write that commits only when `until` resolves (where a publish can be slow to commit). */
  slowPublish?: (origin: string, batch: Observation[], until: Promise<void>) => Promise<void>;
  close(): Promise<void>;
}

/** What the pumping rules of every instance rely on, for each place instances can meet. */
const FEEDS: Array<{ name: string; missing: string | undefined; open: () => Promise<Opened> }> = [
  {
    name: 'postgres',
    missing: PG.url ? undefined : 'TEST_DATABASE_URL',
    open: async () => {
      const db: TestDatabase = await openTestDatabase(PG);
      return {
        feeds: (origin) => new SqlFeed(db.handle, origin, Date.now),
        slowPublish: (origin, batch, until) =>
          db.handle.db.transaction().execute(async (trx) => {
            await trx
              .insertInto('fraud_observations')
              .values({ origin, at: Date.now(), data: JSON.stringify(batch) })
              .execute();
            await until;
          }),
        close: () => db.close(),
      };
    },
  },
  {
    name: 'redis',
    missing: REDIS ? undefined : 'TEST_REDIS_URL',
    open: async () => {
      const redis: Redis = await connectRedis(REDIS as string, pino({ level: 'silent' }));
      // A stream of its own, so runs side by side do not meet.
      const key = `verity:test:observations:${Math.random().toString(36).slice(2)}`;
      return {
        feeds: (origin) => new RedisFeed(redis, origin, Date.now, key),
        close: async () => {
          await redis.del(key);
          redis.disconnect();
        },
      };
    },
  },
];

for (const f of FEEDS) {
  (f.missing ? describe.skip : describe)(`observation feed contract on ${f.name}${f.missing ? ` (skipped: ${f.missing} is not set)` : ''}`, () => {
    let opened: Opened;
    beforeAll(async () => {
      opened = await f.open();
    });
    afterAll(async () => opened?.close());

    it('hands each instance the others’ observations once, in order, and never its own', async () => {
      const a = opened.feeds('a');
      const b = opened.feeds('b');
      expect(await b.read()).toEqual([]);
      await a.publish([start(1), start(2)]);
      await b.publish([start(100)]);
      await a.publish([start(3), approval(4)]);
      expect(await b.read()).toEqual([start(1), start(2), start(3), approval(4)]);
      expect(await a.read()).toEqual([start(100)]);
      expect(await b.read()).toEqual([]);
      // An instance that joins late still reads the last minutes.
      expect((await opened.feeds('c').read()).map((o) => (o.k === 's' ? o.t : -o.at))).toEqual([1, 2, 100, 3, -4]);
    });

    // PostgreSQL hands out sequence numbers at insert and shows rows at commit; a stream entry is visible as it is added.
    if (f.name === 'postgres')
      it('reads a batch that committed after a later one', async () => {
        const slowPublish = opened.slowPublish as NonNullable<Opened['slowPublish']>;
        const a = opened.feeds('a3');
        const b = opened.feeds('b3');
        await b.read();
        let commit = () => {};
        const slow = slowPublish('a3', [start(1)], new Promise<void>((r) => (commit = r)));
        await new Promise((r) => setTimeout(r, 50));
        await a.publish([start(2)]);
        expect(await b.read()).toEqual([start(2)]);
        commit();
        await slow;
        expect(await b.read()).toEqual([start(1)]);
      });

    it('keeps up with many batches', async () => {
      const a = opened.feeds('a2');
      const b = opened.feeds('b2');
      await b.read();
      for (let i = 0; i < 300; i++) await a.publish([start(i)]);
      const got: Observation[] = [];
      for (let i = 0; i < 5 && got.length < 300; i++) got.push(...(await b.read()));
      expect(got.map((o) => (o.k === 's' ? o.t : -1))).toEqual(Array.from({ length: 300 }, (_, i) => i));
    });
  });
}
