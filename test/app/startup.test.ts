import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { checkPostgres } from '../../src/db/postgres-check.js';
import { StartupError } from '../../src/lib/startup-error.js';
import { connectRedis } from '../../src/limits/redis-client.js';
import { closedPort, silentServer } from '../helpers/loopback-ports.js';
import { cli, startServer, stop, type Outcome } from '../helpers/cli-process.js';
import { TEST_SECRETS } from '../helpers/test-app.js';

/**
 * What an operator meets when the machine refuses the configuration: one line naming what failed
 * and what to change, exit code 1, no stack trace, no password, and nothing left running.
 */

const PG_URL = process.env.TEST_DATABASE_URL;
const REDIS_URL = process.env.TEST_REDIS_URL;

/** Exit 1 with exactly one line on stderr, that line containing `text`, and no stack frame. */
function expectOneLine(r: Outcome, text: string | RegExp): void {
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^verity: [^\n]+\n$/);
  expect(r.stderr).toMatch(text);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('startup errors of `verity serve`', { timeout: 60_000 }, () => {
  const dirs: string[] = [];
  const sqliteUrl = () => {
    const d = mkdtempSync(join(tmpdir(), 'verity-start-'));
    dirs.push(d);
    return `sqlite:${join(d, 'verity.db')}`;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('a busy port: one line naming the port and what to do, exit 1; the fresh database still shows its key on the next start', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    const env = { DATABASE_URL: sqliteUrl(), HOST: '127.0.0.1', LOG_LEVEL: 'warn' };
    try {
      const r = await cli(['serve'], { ...env, PORT: String(port) });
      expectOneLine(r, `verity: port ${port} on 127.0.0.1 is in use; set PORT or stop the other server\n`);
      expect(r.stdout).toBe('');
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
    const again = await startServer({ ...env, PORT: '0' });
    await stop(again.child);
    expect(again.out()).toMatch(/export VERITY_KEY='vk_\w+:vs_[\w-]+'/);
  });

  it('PostgreSQL not listening: one line with the address and the password masked', async () => {
    const port = await closedPort();
    const r = await cli(['serve'], { ...TEST_SECRETS, DATABASE_URL: `postgres://verity:s3cret-pw@127.0.0.1:${port}/verity`, PORT: '0' });
    expectOneLine(r, `verity: cannot connect to PostgreSQL at postgres://verity:***@127.0.0.1:${port}/verity: nothing listens on 127.0.0.1:${port}`);
    expect(r.stderr).not.toContain('s3cret-pw');
  });

  it.skipIf(!PG_URL)('PostgreSQL answering but refusing the database or the user: one line naming which', async () => {
    const url = new URL(PG_URL as string);
    url.password = 's3cret-pw';
    url.pathname = '/verity_no_such_database';
    const db = await cli(['serve'], { ...TEST_SECRETS, DATABASE_URL: url.toString(), PORT: '0' });
    expectOneLine(db, /database "verity_no_such_database" does not exist \(create it, or fix the name in DATABASE_URL\)/);
    expect(db.stderr).not.toContain('s3cret-pw');
    url.username = 'verity_no_such_user';
    const user = await cli(['serve'], { ...TEST_SECRETS, DATABASE_URL: url.toString(), PORT: '0' });
    expectOneLine(user, /verity_no_such_user/);
    expect(user.stderr).toContain('postgres://verity_no_such_user:***@');
  });

  it('Redis not listening when REDIS_URL is set: one line within a few seconds, no retries logged', async () => {
    const port = await closedPort();
    const started = Date.now();
    const r = await cli(['serve'], { DATABASE_URL: sqliteUrl(), PORT: '0', REDIS_URL: `redis://:s3cret-pw@127.0.0.1:${port}` }, 10_000);
    expectOneLine(r, `verity: cannot connect to Redis at redis://:***@127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(r.stdout).toBe('');
  });

  it('a second serve on the same SQLite file is refused while the first runs, and starts at once after a kill -9', async () => {
    const env = { DATABASE_URL: sqliteUrl(), HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn' };
    const first = await startServer(env);
    try {
      const second = await cli(['serve'], env);
      expectOneLine(second, /^verity: another verity server is running on \S+verity\.db \(it holds \S+verity\.db\.lock\); stop it first/);
      // Beside a running server: migrate refuses, keys create works.
      expectOneLine(await cli(['migrate'], env), /a verity server is running on .*; stop it, then migrate/);
      const key = await cli(['keys', 'create', '--json'], env);
      expect(key.code).toBe(0);
      const { key_id, secret } = JSON.parse(key.stdout) as { key_id: string; secret: string };
      const balance = await fetch(`${first.base}/v1/balance`, { headers: { authorization: `Basic ${Buffer.from(`${key_id}:${secret}`).toString('base64')}` } });
      expect(balance.status).toBe(200);
    } finally {
      await stop(first.child, 'SIGKILL');
    }
    // The lock died with its process: no stale lock blocks the restart.
    const restarted = await startServer(env);
    expect(await stop(restarted.child)).toBe(0);
  });

  it('keys create beside a running server refuses to touch a schema that lacks a migration', async () => {
    const env = { DATABASE_URL: sqliteUrl(), HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn' };
    const server = await startServer(env);
    try {
      // As if this build were newer than the running server: the database lacks its last migration.
      const db = new SqliteDatabase(env.DATABASE_URL.slice('sqlite:'.length));
      const last = db.prepare('select name from kysely_migration order by name desc limit 1').get() as { name: string };
      db.prepare('delete from kysely_migration where name = ?').run(last.name);
      db.close();
      const r = await cli(['keys', 'create', '--json'], env);
      expectOneLine(r, `the database lacks migration ${last.name} and a server owns it`);
      expect(r.stdout).toBe('');
    } finally {
      await stop(server.child);
    }
  });
});

describe('connecting at boot', () => {
  const log = pino({ level: 'silent' });

  it('gives up on a PostgreSQL server that accepts the connection but never answers, within the deadline', async () => {
    const silent = await silentServer();
    try {
      const started = Date.now();
      const err = await checkPostgres(`postgres://verity:s3cret-pw@127.0.0.1:${silent.port}/verity`, 500).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StartupError);
      expect((err as Error).message).toBe(
        `cannot connect to PostgreSQL at postgres://verity:***@127.0.0.1:${silent.port}/verity: no answer from 127.0.0.1:${silent.port} within 0.5 s (a wrong host, or a firewall?)`,
      );
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await silent.close();
    }
  });

  it('gives up on a Redis server that accepts the connection but never answers, within the deadline', async () => {
    const silent = await silentServer();
    try {
      const started = Date.now();
      const err = await connectRedis(`redis://127.0.0.1:${silent.port}`, log, 500).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StartupError);
      expect((err as Error).message).toBe(`cannot connect to Redis at redis://127.0.0.1:${silent.port}: no answer within 0.5 s`);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await silent.close();
    }
  });

  it.skipIf(!REDIS_URL)('refuses a Redis that connects but refuses the handshake (a database index it does not have)', async () => {
    const url = new URL(REDIS_URL as string);
    url.pathname = '/99999';
    const err = await connectRedis(url.toString(), log, 2_000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StartupError);
    expect((err as Error).message).toMatch(/^cannot connect to Redis at redis:\/\/.*\/99999: ERR DB index is out of range$/);
  });

  it.skipIf(!REDIS_URL)('after boot, logs a lost Redis once while it retries, and once more when it is back', async () => {
    // A loopback relay to the real Redis, to cut and restore the way between them.
    const target = new URL(REDIS_URL as string);
    const sockets = new Set<Socket>();
    const relay = createServer((inbound) => {
      const outbound = createConnection(Number(target.port || 6379), target.hostname);
      for (const s of [inbound, outbound]) {
        sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => [inbound, outbound].forEach((x) => x.destroy()));
      }
      inbound.pipe(outbound).pipe(inbound);
    });
    const listen = (port: number) => new Promise<void>((resolve) => relay.listen(port, '127.0.0.1', resolve));
    await listen(0);
    const port = (relay.address() as AddressInfo).port;
    const lines: { msg: string }[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as { msg: string }) });
    const client = await connectRedis(`redis://127.0.0.1:${port}`, logger, 2_000);
    const until = async (done: () => boolean) => {
      const deadline = Date.now() + 10_000;
      while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    };
    try {
      expect(await client.ping()).toBe('PONG');
      const closed = new Promise<void>((resolve) => relay.close(() => resolve()));
      sockets.forEach((s) => s.destroy());
      await closed;
      // Several reconnect attempts fail meanwhile; the log says so once.
      await new Promise((r) => setTimeout(r, 1_500));
      expect(lines.map((l) => l.msg)).toEqual(['redis unreachable; retrying']);
      await listen(port);
      await until(() => lines.length > 1);
      expect(lines.map((l) => l.msg)).toEqual(['redis unreachable; retrying', 'redis reachable again']);
      expect(await client.ping()).toBe('PONG');
    } finally {
      client.disconnect();
      sockets.forEach((s) => s.destroy());
      if (relay.listening) await new Promise<void>((resolve) => relay.close(() => resolve()));
    }
  });

  it.skipIf(!REDIS_URL)('connects to a Redis that answers', async () => {
    const client = await connectRedis(REDIS_URL as string, log, 2_000);
    expect(await client.ping()).toBe('PONG');
    client.disconnect();
  });
});
