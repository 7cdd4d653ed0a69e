import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { closedPort, silentServer } from '../helpers/loopback-ports.js';
import { postgresAnswers, prepareLocalServices, redisAnswers } from '../helpers/local-services.js';

/** The test runner's own plumbing: finding PostgreSQL and Redis on their default local ports. */

const PG_URL = process.env.TEST_DATABASE_URL;
const REDIS_URL = process.env.TEST_REDIS_URL;

/** The URL of the server's maintenance database, from a URL of any database on it. */
function adminUrl(url: string): string {
  const u = new URL(url);
  u.pathname = '/postgres';
  return u.toString();
}

describe('probing the local services', () => {
  it('finds nothing on a closed port, for either service', async () => {
    const port = await closedPort();
    expect(await postgresAnswers(`postgres://postgres@127.0.0.1:${port}/postgres`)).toBe(false);
    expect(await redisAnswers(`redis://127.0.0.1:${port}`)).toBe(false);
  });

  it('gives up within its deadline on a port that accepts but does not speak the protocol', async () => {
    await withSilentPort(async (port) => {
      const started = Date.now();
      expect(await postgresAnswers(`postgres://postgres@127.0.0.1:${port}/postgres`, 300)).toBe(false);
      expect(await redisAnswers(`redis://127.0.0.1:${port}`, 300)).toBe(false);
      expect(Date.now() - started).toBeLessThan(2_000);
    });
  });

  it.skipIf(!PG_URL)('finds PostgreSQL where it answers', async () => {
    expect(await postgresAnswers(PG_URL as string)).toBe(true);
  });

  it.skipIf(!REDIS_URL)('finds Redis where it answers', async () => {
    expect(await redisAnswers(REDIS_URL as string)).toBe(true);
  });
});

describe('preparing the local services for a test run', () => {
  it('skips both with one line naming what and how to run it when neither answers', async () => {
    const env: NodeJS.ProcessEnv = {};
    const lines: string[] = [];
    const port = await closedPort();
    const teardown = await prepareLocalServices({ env, postgresAdminUrl: `postgres://postgres@127.0.0.1:${port}/postgres`, redisUrl: `redis://127.0.0.1:${port}`, notice: (l) => lines.push(l) });
    await teardown();
    expect(env).toEqual({});
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    expect(lines[0]).toMatch(/PostgreSQL.*Redis/);
    expect(lines[0]).toContain('TEST_DATABASE_URL=');
    expect(lines[0]).toContain('TEST_REDIS_URL=');
  });

  it('leaves TEST_DATABASE_URL and TEST_REDIS_URL alone when they are set, and says nothing', async () => {
    const env: NodeJS.ProcessEnv = { TEST_DATABASE_URL: 'postgres://ci@db/ci', TEST_REDIS_URL: 'redis://ci:6379' };
    const lines: string[] = [];
    const port = await closedPort();
    const teardown = await prepareLocalServices({ env, postgresAdminUrl: `postgres://postgres@127.0.0.1:${port}/postgres`, redisUrl: `redis://127.0.0.1:${port}`, notice: (l) => lines.push(l) });
    await teardown();
    expect(env).toEqual({ TEST_DATABASE_URL: 'postgres://ci@db/ci', TEST_REDIS_URL: 'redis://ci:6379' });
    expect(lines).toEqual([]);
  });

  it.skipIf(!PG_URL || !REDIS_URL)('creates a scratch database of its own where PostgreSQL answers, and drops it at the end', async () => {
    const env: NodeJS.ProcessEnv = {};
    const lines: string[] = [];
    const admin = adminUrl(PG_URL as string);
    const teardown = await prepareLocalServices({ env, postgresAdminUrl: admin, redisUrl: REDIS_URL as string, notice: (l) => lines.push(l) });
    const name = new URL(env.TEST_DATABASE_URL as string).pathname.slice(1);
    const exists = async () => {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      try {
        return (await c.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
      } finally {
        await c.end();
      }
    };
    try {
      expect(name).toMatch(/^verity_test_\w+$/);
      expect(name).not.toBe(new URL(PG_URL as string).pathname.slice(1));
      expect(env.TEST_REDIS_URL).toBe(REDIS_URL);
      expect(lines).toEqual([]);
      expect(await exists()).toBe(true);
      // The database is usable, not merely created.
      const c = new pg.Client({ connectionString: env.TEST_DATABASE_URL });
      await c.connect();
      await c.query('create table t (x int)');
      await c.end();
    } finally {
      await teardown();
    }
    expect(await exists()).toBe(false);
  });
});

/** Runs `use` with a loopback port that accepts connections and never answers. */
async function withSilentPort<T>(use: (port: number) => Promise<T>): Promise<T> {
  const silent = await silentServer();
  try {
    return await use(silent.port);
  } finally {
    await silent.close();
  }
}
