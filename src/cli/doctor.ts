import { pino } from 'pino';
import { ConfigError, loadConfig, resolveSecrets, type Config } from '../config/index.js';
import { openDatabase, pendingMigrations } from '../db/database.js';
import { isPostgresUrl, maskedDatabaseUrl } from '../db/database-url.js';
import { checkPostgres } from '../db/postgres-check.js';
import { connectRedis, maskedRedisUrl } from '../limits/redis-client.js';
import { OutboundGuard } from '../outbound/outbound-guard.js';
import { checkOptions, PROVIDER_TYPES } from '../providers/index.js';
import { SILENT_TYPES } from '../silent/index.js';
import { JSON_OPTION, json, type Command } from './command.js';
import { type Finding, PROBE_TIMEOUT_MS, probeHttp, probeSmpp, probeSmtp, reason, within } from './doctor-probes.js';

interface Check extends Finding {
  name: string;
}

async function databaseCheck(config: Config): Promise<Check> {
  const name = 'database';
  const where = maskedDatabaseUrl(config.databaseUrl);
  let db: ReturnType<typeof openDatabase> | undefined;
  try {
    if (isPostgresUrl(config.databaseUrl)) await within(PROBE_TIMEOUT_MS * 2, where, checkPostgres(config.databaseUrl, PROBE_TIMEOUT_MS));
    db = openDatabase(config.databaseUrl, { poolSize: 1 });
    const pending = await within(PROBE_TIMEOUT_MS, where, pendingMigrations(db));
    if (pending.length > 0)
      return {
        name,
        ok: false,
        detail: `${where} lacks ${pending.length} migration(s): ${pending.join(', ')}`,
        fix: 'run `verity migrate` with no server running (or start the server: it migrates when it starts)',
      };
    return { name, ok: true, detail: `${where} reachable, schema current` };
  } catch (err) {
    return { name, ok: false, detail: `${where}: ${reason(err)}`, fix: 'check DATABASE_URL, that the database is up, and its credentials' };
  } finally {
    await db?.close().catch(() => undefined);
  }
}

async function redisCheck(url: string): Promise<Check> {
  const name = 'redis';
  const where = maskedRedisUrl(url);
  try {
    const client = await connectRedis(url, pino({ level: 'silent' }), PROBE_TIMEOUT_MS);
    try {
      await within(PROBE_TIMEOUT_MS, where, client.ping());
    } finally {
      client.disconnect();
    }
    return { name, ok: true, detail: `${where} answered PING` };
  } catch (err) {
    return { name, ok: false, detail: `${where}: ${reason(err)}`, fix: 'check REDIS_URL and that Redis is up and reachable from here (or unset REDIS_URL on a single instance)' };
  }
}

type Entry = Record<string, unknown> & { name?: unknown; type?: unknown };

/** One provider (PROVIDERS) or silent upstream (SILENT_ROUTES): connected to as it would be, but sent nothing. */
async function upstreamCheck(kind: 'provider' | 'silent route', entry: Entry, guard: OutboundGuard): Promise<Check[]> {
  const { name: entryName, type, ...options } = entry;
  // A silent route's prefix is the router's, not an option of its upstream.
  if (kind === 'silent route') delete options.prefix;
  const name = `${kind} ${String(entryName)} (${String(type)})`;
  if (kind === 'silent route' && type === 'local') return [{ name, ok: true, detail: "this server's own operator data: nothing to connect to" }];
  const def = kind === 'provider' ? PROVIDER_TYPES.get(String(type)) : SILENT_TYPES.get(String(type));
  if (!def) return [{ name, ok: false, detail: 'unknown type', fix: 'see `verity providers` for the types' }];
  const checked = checkOptions(def, options);
  if (checked.problems.length > 0) return [{ name, ok: false, detail: checked.problems.join('; '), fix: `see \`verity providers ${String(type)}\`` }];
  const o = checked.options;
  if (type === 'smtp') {
    const secure = o.secure === true;
    return [{ name, ...(await probeSmtp(guard, { host: String(o.host), port: Number(o.port ?? (secure ? 465 : 587)), secure, rejectUnauthorized: o.tlsRejectUnauthorized !== false })) }];
  }
  if (type === 'smpp') {
    const smpp = { host: String(o.host), port: Number(o.port), tls: o.tls === true, systemId: String(o.systemId), password: String(o.password), systemType: String(o.systemType ?? '') };
    return [{ name, ...(await probeSmpp(guard, smpp)) }];
  }
  const addresses = 'addresses' in def ? (def.addresses as (x: unknown) => Array<{ option: string; host: string }>)(o) : [];
  if (addresses.length === 0) return [{ name, ok: true, detail: 'nothing to connect to' }];
  return Promise.all(
    addresses.map(async (a) => {
      const value = o[a.option];
      const url = typeof value === 'string' && /^https?:\/\//i.test(value) ? value : `https://${a.host}/`;
      return { name: addresses.length > 1 ? `${name} ${a.option}` : name, ...(await probeHttp(guard, url)) };
    }),
  );
}

/** Every check, the configuration first: without it nothing else can be read. */
async function diagnose(): Promise<Check[]> {
  let config: Config;
  try {
    config = loadConfig();
    // PostgreSQL needs the three secrets set; SQLite keeps generated ones beside the database.
    if (isPostgresUrl(config.databaseUrl)) resolveSecrets(config);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return [{ name: 'config', ok: false, detail: err.problems.join('; '), fix: 'correct the settings named (`verity config` lists every one with its default)' }];
  }
  const checks: Check[] = [{ name: 'config', ok: true, detail: 'every setting is valid' }];
  const guard = new OutboundGuard(config.outbound.providersAllowPrivate);
  try {
    const results = await Promise.all([
      databaseCheck(config),
      config.redisUrl ? redisCheck(config.redisUrl) : Promise.resolve<Check>({ name: 'redis', ok: true, detail: `not configured (REDIS_URL unset): limits live in ${limitsHome(config)}` }),
      ...(config.providers ?? []).map((e) => upstreamCheck('provider', e as Entry, guard)),
      ...(config.silentRoutes ?? []).map((e) => upstreamCheck('silent route', e as Entry, guard)),
    ]);
    checks.push(...results.flat());
    if ((config.providers ?? []).length === 0) checks.push({ name: 'providers', ok: true, detail: 'none configured: every message goes to the sandbox inbox' });
  } finally {
    await guard.close();
  }
  return checks;
}

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'check the configuration, the database and its migrations, Redis and every provider; exit 1 on any problem',
  options: JSON_OPTION,
  example: 'verity doctor && verity serve',
  run: async ({ values, out }) => {
    const checks = await diagnose();
    if (values.json) out(json({ ok: checks.every((c) => c.ok), checks: checks.map(({ name, ok, detail, fix }) => ({ name, ok, detail, ...(fix ? { fix } : {}) })) }));
    else for (const c of checks) out(`${c.ok ? 'ok     ' : 'problem'}  ${c.name}: ${c.detail}${c.ok || !c.fix ? '' : ` (fix: ${c.fix})`}\n`);
    return checks.every((c) => c.ok) ? 0 : 1;
  },
};

/** Where the limiters keep their counts without Redis (LIMITS_STORE; `auto`: PostgreSQL's tables, or this process beside SQLite). */
function limitsHome(config: Config): string {
  const store = config.limits.store === 'auto' ? (isPostgresUrl(config.databaseUrl) ? 'postgres' : 'memory') : config.limits.store;
  if (store === 'postgres') return 'PostgreSQL, shared by every instance';
  if (store === 'sqlite') return 'the SQLite database';
  return 'this process only';
}
