/**
 * The limiter stores the contract runs against (test/contracts/limiters.test.ts): memory and
 * SQLite always, PostgreSQL and Redis when TEST_DATABASE_URL / TEST_REDIS_URL name them.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createLimiterFactory } from '../../src/limits/index.js';
import type { Limiter, LimiterFactory, LimitRule } from '../../src/limits/limiter.js';

// Names and keys carry this run's suffix so parallel test files sharing PostgreSQL or Redis
// never touch each other's counters.
const run = randomBytes(4).toString('hex');
let nameCounter = 0;
export const uniqueName = (): string => `t${run}_${nameCounter++}`;
export const uniqueKey = (): string => `key-${randomUUID()}`;

interface BrokenStore {
  limiter: Limiter;
  breakStore(): Promise<void>;
  dispose(): Promise<void>;
}

export interface Harness {
  factory: LimiterFactory;
  teardown(): Promise<void>;
  /** A limiter that has worked once, plus a way to make its store fail. */
  broken?: (rule: LimitRule) => Promise<BrokenStore>;
}

export interface StoreCase {
  label: string;
  setup(): Promise<Harness>;
}

async function brokenByClosingFactory(factory: LimiterFactory, rule: LimitRule): Promise<BrokenStore> {
  const limiter = factory.create(uniqueName(), rule);
  await limiter.consume(uniqueKey());
  return { limiter, breakStore: () => factory.close(), dispose: () => factory.close() };
}

const memoryCase: StoreCase = {
  label: 'memory',
  setup: async () => ({ factory: await createLimiterFactory({ kind: 'memory' }), teardown: async () => {} }),
};

const sqliteMemoryCase: StoreCase = {
  label: 'sqlite (:memory:)',
  setup: async () => {
    const factory = await createLimiterFactory({ kind: 'sqlite', path: ':memory:' });
    return {
      factory,
      teardown: () => factory.close(),
      broken: async (rule) => brokenByClosingFactory(await createLimiterFactory({ kind: 'sqlite', path: ':memory:' }), rule),
    };
  },
};

const sqliteFileCase: StoreCase = {
  label: 'sqlite (temp file)',
  setup: async () => {
    const dir = await mkdtemp(join(tmpdir(), 'verity-limits-'));
    const factory = await createLimiterFactory({ kind: 'sqlite', path: join(dir, 'limits.db') });
    return {
      factory,
      teardown: async () => {
        await factory.close();
        await rm(dir, { recursive: true, force: true });
      },
      broken: async (rule) => brokenByClosingFactory(await createLimiterFactory({ kind: 'sqlite', path: join(dir, 'broken.db') }), rule),
    };
  },
};

function postgresCase(url: string): StoreCase {
  return {
    label: 'postgres',
    setup: async () => {
      const pool = new pg.Pool({ connectionString: url });
      const factory = await createLimiterFactory({ kind: 'postgres', pool });
      return {
        factory,
        teardown: async () => {
          await factory.close();
          // Underscores are LIKE wildcards; escape them so only this run's tables match.
          const pattern = `verity_limits_t${run}_%`.replace(/_/g, '\\_');
          const { rows } = await pool.query<{ tablename: string }>('SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE $1', [pattern]);
          for (const { tablename } of rows) await pool.query(`DROP TABLE IF EXISTS "${tablename}"`);
          await pool.end();
        },
        broken: async (rule) => {
          const ownPool = new pg.Pool({ connectionString: url });
          const ownFactory = await createLimiterFactory({ kind: 'postgres', pool: ownPool });
          const limiter = ownFactory.create(uniqueName(), rule);
          await limiter.consume(uniqueKey());
          return { limiter, breakStore: () => ownPool.end(), dispose: () => ownFactory.close() };
        },
      };
    },
  };
}

function redisCase(url: string): StoreCase {
  return {
    label: 'redis',
    setup: async () => {
      const client = new Redis(url);
      const factory = await createLimiterFactory({ kind: 'redis', client });
      return {
        factory,
        teardown: async () => {
          await factory.close();
          const keys = await client.keys(`verity_limits:t${run}_*`);
          if (keys.length > 0) await client.del(...keys);
          await client.quit();
        },
        broken: async (rule) => {
          // Without the offline queue a dropped connection fails calls at once instead of
          // queueing them until ioredis gives up reconnecting.
          const ownClient = new Redis(url, { enableOfflineQueue: false, lazyConnect: true });
          await ownClient.connect();
          const ownFactory = await createLimiterFactory({ kind: 'redis', client: ownClient });
          const limiter = ownFactory.create(uniqueName(), rule);
          await limiter.consume(uniqueKey());
          return {
            limiter,
            breakStore: async () => ownClient.disconnect(),
            dispose: () => ownFactory.close(),
          };
        },
      };
    },
  };
}

export const enabled: StoreCase[] = [memoryCase, sqliteMemoryCase, sqliteFileCase];
export const skipped: StoreCase[] = [];
const pgUrl = process.env.TEST_DATABASE_URL;
const redisUrl = process.env.TEST_REDIS_URL;
if (pgUrl) enabled.push(postgresCase(pgUrl));
else skipped.push({ label: 'postgres (skipped: TEST_DATABASE_URL is not set)', setup: () => Promise.reject(new Error('skipped')) });
if (redisUrl) enabled.push(redisCase(redisUrl));
else skipped.push({ label: 'redis (skipped: TEST_REDIS_URL is not set)', setup: () => Promise.reject(new Error('skipped')) });
