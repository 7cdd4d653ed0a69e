/**
 * Finds PostgreSQL and Redis for a test run. Suites that touch a database also run on PostgreSQL,
 * and the limiter contract on Redis, when TEST_DATABASE_URL / TEST_REDIS_URL name them. A plain
 * `npm test` on a machine where both answer on their default local ports uses them (PostgreSQL in
 * a scratch database of its own, dropped at the end) instead of silently skipping those runs.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { pino } from 'pino';
import { checkPostgres } from '../../src/db/postgres-check.js';
import { connectRedis } from '../../src/limits/redis-client.js';

export const DEFAULT_POSTGRES_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** How long a probe waits for an answer: a local service answers in milliseconds. */
const PROBE_MS = 2_000;

/** Whether PostgreSQL accepts a connection at `url` (the same check the server makes at boot). */
export function postgresAnswers(url: string, timeoutMs = PROBE_MS): Promise<boolean> {
  return checkPostgres(url, timeoutMs).then(
    () => true,
    () => false,
  );
}

/** Whether Redis at `url` answers a PING (the same check the server makes at boot). */
export function redisAnswers(url: string, timeoutMs = PROBE_MS): Promise<boolean> {
  return connectRedis(url, pino({ level: 'silent' }), timeoutMs).then(
    (client) => {
      client.disconnect();
      return true;
    },
    () => false,
  );
}

async function admin<T>(url: string, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

/** `host:port` of a URL, for messages. */
function where(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port}`;
}

export interface LocalServicesOptions {
  /** The environment the test workers inherit. */
  env: NodeJS.ProcessEnv;
  /** A PostgreSQL database to connect to for creating and dropping the scratch database. */
  postgresAdminUrl: string;
  redisUrl: string;
  /** Where the one line about skipped runs goes. */
  notice: (line: string) => void;
}

/**
 * Sets TEST_DATABASE_URL and TEST_REDIS_URL in `env` for the services that answer, unless they
 * are set already (CI sets them: an explicit value always wins). Resolves with the teardown that
 * drops the scratch database.
 */
export async function prepareLocalServices(opts: LocalServicesOptions): Promise<() => Promise<void>> {
  const { env } = opts;
  const skipped: { what: string; set: string }[] = [];
  let teardown = async (): Promise<void> => undefined;
  if (!env.TEST_DATABASE_URL) {
    if (await postgresAnswers(opts.postgresAdminUrl)) {
      const name = `verity_test_${process.pid}_${randomBytes(4).toString('hex')}`;
      await admin(opts.postgresAdminUrl, (c) => c.query(`create database ${name}`));
      const url = new URL(opts.postgresAdminUrl);
      url.pathname = `/${name}`;
      env.TEST_DATABASE_URL = url.toString();
      // WITH (FORCE) closes connections a worker may have left open.
      teardown = async () => void (await admin(opts.postgresAdminUrl, (c) => c.query(`drop database if exists ${name} with (force)`)));
    } else {
      skipped.push({
        what: `PostgreSQL (nothing answered at ${where(opts.postgresAdminUrl)} as user ${new URL(opts.postgresAdminUrl).username || 'postgres'})`,
        set: 'TEST_DATABASE_URL=postgres://user@host:5432/database',
      });
    }
  }
  if (!env.TEST_REDIS_URL) {
    if (await redisAnswers(opts.redisUrl)) env.TEST_REDIS_URL = opts.redisUrl;
    else skipped.push({ what: `Redis (nothing answered at ${where(opts.redisUrl)})`, set: 'TEST_REDIS_URL=redis://host:6379' });
  }
  if (skipped.length) {
    opts.notice(
      `verity tests: skipping the runs on ${skipped.map((s) => s.what).join(' and ')}; to run them, start ${skipped.length > 1 ? 'them' : 'it'} or set ${skipped.map((s) => s.set).join(' and ')}`,
    );
  }
  return teardown;
}
