import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe } from 'vitest';
import { buildApp, type BuildOptions, type Verity } from '../../src/app.js';
import type { IssuedKey } from '../../src/accounts/key-service.js';
import { loadConfig } from '../../src/config/index.js';
import { migrate, openDatabase, type DatabaseHandle } from '../../src/db/database.js';
import type { App } from '../../src/http/types.js';
import { ManualClock } from '../../src/lib/clock.js';

export interface Backend {
  name: 'sqlite' | 'postgres';
  url: string | undefined;
}

const PG_URL = process.env.TEST_DATABASE_URL;

/** Every store-backed suite runs once per backend; PostgreSQL only when TEST_DATABASE_URL is set. */
export const BACKENDS: Backend[] = [
  { name: 'sqlite', url: 'sqlite::memory:' },
  { name: 'postgres', url: PG_URL },
];

/** SQLite in memory: for suites that need one database and do not compare backends. */
export const SQLITE: Backend = BACKENDS[0]!;

/**
 * The contract of a store-backed suite: `fn(backend)` registers the same tests once per backend,
 * in a describe titled `<name> on <backend>`. Without TEST_DATABASE_URL the PostgreSQL run is
 * still collected, so it shows in the report with its reason, but neither its hooks nor its tests
 * run; `fn` therefore needs no guard of its own.
 */
export function describeOnBackends(name: string, fn: (backend: Backend) => void): void {
  for (const backend of BACKENDS) {
    if (backend.url) describe(`${name} on ${backend.name}`, () => fn(backend));
    else describe.skip(`${name} on ${backend.name} (skipped: TEST_DATABASE_URL is not set)`, () => fn(backend));
  }
}

/** A fresh schema name on PostgreSQL, so suites running side by side do not meet; undefined on SQLite. */
export function testSchema(backend: Backend): string | undefined {
  return backend.name === 'postgres' ? `t_${randomBytes(6).toString('hex')}` : undefined;
}

export async function dropSchema(backend: Backend, schema: string | undefined): Promise<void> {
  if (!schema || !backend.url) return;
  const c = new pg.Client({ connectionString: backend.url });
  await c.connect();
  await c.query(`drop schema if exists ${schema} cascade`);
  await c.end();
}

export interface TestDatabase {
  handle: DatabaseHandle;
  schema: string | undefined;
  /** Closes the handle and drops the suite's schema. */
  close(): Promise<void>;
}

/** A migrated database for a store suite, in a schema of its own on PostgreSQL. */
export async function openTestDatabase(backend: Backend): Promise<TestDatabase> {
  if (!backend.url) throw new Error(`${backend.name} is not configured`);
  const schema = testSchema(backend);
  const handle = openDatabase(backend.url, schema ? { schema } : {});
  await migrate(handle, schema);
  return {
    handle,
    schema,
    async close() {
      await handle.close();
      await dropSchema(backend, schema);
    },
  };
}

export const TEST_SECRETS = {
  PEPPERS: 'test-pepper-0123456789abcdef0123456789abcdef',
  ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  TOKEN_SIGNING_KEY: 'test-token-key-0123456789abcdef0123456789',
};

export interface TestApp {
  app: App;
  verity: Verity;
  clock: ManualClock;
  operator: IssuedKey;
  /** Basic credentials for a key (the operator's by default). */
  auth(key?: IssuedKey): string;
  post(url: string, body?: unknown, key?: IssuedKey | null, headers?: Record<string, string>): Promise<Res>;
  get(url: string, key?: IssuedKey | null): Promise<Res>;
  put(url: string, body: unknown, key?: IssuedKey | null): Promise<Res>;
  delete(url: string, key?: IssuedKey | null): Promise<Res>;
  /** Another instance of Verity on the same database (PostgreSQL only), as a second process would be; closed with this one. */
  sibling(env?: Record<string, string>): Promise<App>;
  /** A second, ordinary (non-operator) account with its own key. */
  tenant(opts?: { balance?: number; postpaid?: boolean }): Promise<{ accountId: string; key: IssuedKey }>;
  close(): Promise<void>;
}

export interface Res {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
  headers: Record<string, unknown>;
}

export async function startTestApp(backend: Backend, opts: { env?: Record<string, string>; build?: BuildOptions } = {}): Promise<TestApp> {
  if (!backend.url) throw new Error(`${backend.name} is not configured`);
  const schema = testSchema(backend);
  const env: Record<string, string> = {
    DATABASE_URL: backend.url,
    LOG_LEVEL: 'silent',
    LIMITS_STORE: 'memory',
    // Every injected request comes from 127.0.0.1; suites that test these limits set their own.
    LIMIT_START_PER_IP: '100000/60',
    LIMIT_START_PER_ACCOUNT: '100000/60',
    // Suites start many verifications from one address to made-up numbers, which the pumping
    // rules would rightly refuse; the fraud suites turn them on.
    FRAUD_MODE: 'off',
    // Suites drive the outbox themselves (worker.drain()) against the manual clock.
    DELIVERY_WORKER: 'false',
    ...TEST_SECRETS,
    ...opts.env,
  };
  const config = loadConfig(env);
  const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
  const app = await buildApp(config, { clock, ...(schema ? { schema } : {}), ...opts.build });
  const siblings: App[] = [];
  const operator = (await app.verity.accounts.bootstrap()) as IssuedKey;
  const auth = (key: IssuedKey = operator) => `Basic ${Buffer.from(`${key.key_id}:${key.secret}`).toString('base64')}`;
  const request = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body: unknown, key: IssuedKey | null, headers: Record<string, string> = {}) =>
    toRes(
      await app.inject({
        method,
        url,
        headers: { ...(key ? { authorization: auth(key) } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
      }),
    );
  const toRes = (r: { statusCode: number; body: string; headers: Record<string, unknown> }): Res => {
    let body: unknown = r.body;
    try {
      body = r.body ? JSON.parse(r.body) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: r.statusCode, body, headers: r.headers };
  };
  const t: TestApp = {
    app,
    verity: app.verity,
    clock,
    operator,
    auth,
    post: (url, body, key = operator, headers = {}) => request('POST', url, body, key, headers),
    get: (url, key = operator) => request('GET', url, undefined, key),
    put: (url, body, key = operator) => request('PUT', url, body, key),
    delete: (url, key = operator) => request('DELETE', url, undefined, key),
    async tenant(o = {}) {
      const { account, key } = await app.verity.accounts.create({ name: 'tenant', balanceMicros: Math.round((o.balance ?? 0) * 1e6), postpaid: o.postpaid ?? false });
      return { accountId: account.id, key };
    },
    async sibling(extra = {}) {
      if (backend.name !== 'postgres') throw new Error('a sibling instance needs a shared database (PostgreSQL)');
      const other = await buildApp(loadConfig({ ...env, ...extra }), { clock, ...(schema ? { schema } : {}), ...opts.build });
      siblings.push(other);
      return other;
    },
    async close() {
      for (const s of siblings) await s.close();
      await app.close();
      await dropSchema(backend, schema);
    },
  };
  return t;
}

/** The code the sandbox delivered most recently to `to`. */
export async function lastCode(t: TestApp, to: string, key?: IssuedKey): Promise<string> {
  const r = await t.get(`/v1/sandbox/messages?to=${encodeURIComponent(to)}&limit=1`, key ?? t.operator);
  const code = r.body?.messages?.[0]?.code as string | undefined;
  if (!code) throw new Error(`no sandbox message for ${to}: ${JSON.stringify(r.body)}`);
  return code;
}
