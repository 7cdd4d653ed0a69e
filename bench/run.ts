/**
 * `npm run bench`: Verity against a bare Fastify 5 baseline, each loaded by autocannon from a
 * separate process. Human-readable summary first; the LAST stdout line is one JSON object.
 *
 *   BENCH_ROUNDS      rounds of baseline, start and check, one after the other (default 3); the
 *                     summary gives the median of each figure (ratios: the median of each round's
 *                     own ratio) and the worst p99, since the baseline alone drifts from run to run
 *   BENCH_DURATION_S  measured seconds per scenario (default 10; below 10 is a smoke run only)
 *   BENCH_WARMUP_S    warm-up seconds before each measured run (default 3)
 *   BENCH_CONNECTIONS autocannon connections (default 50)
 *   BENCH_CHECK_POOL  pending verifications prepared for the check scenario (default 3000)
 *   BENCH_RADIUS      RADIUS Accounting-Requests sent to Verity's listener (default 100000)
 *   BENCH_SESSIONS    data sessions loaded for the silent-lookup run (default 1000000)
 *   BENCH_READ_ROWS   verifications seeded for the read section (default 1000000; see reads.ts)
 *   BENCH_PG_URL      PostgreSQL server for the read section's second run (default
 *                     postgres://postgres@127.0.0.1:5432/postgres; a database of its own is
 *                     created and dropped there); skipped with a note when it does not answer
 *   --cpu-prof        run Verity under `node --cpu-prof` and print where the profile went
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { fraudAccounts, preparePending } from './prepare.js';
import { measureReads, type ReadResult, seed } from './reads.js';
import { startNodeFlags } from './start-flags.js';
import { cpuMs, freePort, killAll, lastJsonLine, rssMb, runNode, startServer, stopServer, waitReady, type Server } from './procs.js';
import type { LoadResult, LoadSpec } from './spec.js';

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));
const CLI = here('../src/cli.js');
const LOAD = here('./load.js');
const RADIUS_LOAD = here('./radius-load.js');
const SILENT = here('./silent.js');
const RADIUS_SECRET = 'bench-radius-secret';
const BASELINE = here('./baseline-server.js');

function intEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  const v = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(v) || v < min) throw new Error(`${name} must be an integer >= ${min}, got ${raw}`);
  return v;
}

const ROUNDS = intEnv('BENCH_ROUNDS', 3, 1);
const DURATION_S = intEnv('BENCH_DURATION_S', 10, 1);
const WARMUP_S = intEnv('BENCH_WARMUP_S', 3, 0);
const CONNECTIONS = intEnv('BENCH_CONNECTIONS', 50, 1);
const CHECK_POOL = intEnv('BENCH_CHECK_POOL', 3000, 1);
const RADIUS_PACKETS = intEnv('BENCH_RADIUS', 100_000, 1);
const SESSIONS = intEnv('BENCH_SESSIONS', 1_000_000, 1);
const READ_ROWS = intEnv('BENCH_READ_ROWS', 1_000_000, 1000);
const PG_URL = process.env.BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const CPU_PROF = process.argv.includes('--cpu-prof');
const GENEROUS = '100000000/60'; // the limiter code runs on every request but never refuses

const work = mkdtempSync(join(tmpdir(), 'verity-bench-'));
const servers: Server[] = [];

function cleanup(): void {
  killAll();
  rmSync(work, { recursive: true, force: true });
}
process.once('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    process.stderr.write(`bench: ${sig}, stopping children\n`);
    process.exit(sig === 'SIGINT' ? 130 : 143);
  });
}

/**
 * A load run whose server CPU is counted: the warm-up as a run of its own, then the measured run,
 * with the server's CPU time read before and after it (robust to the load generator sharing the
 * machine, unlike requests/s), per request answered.
 */
async function measured(spec: LoadSpec, pid: number): Promise<LoadResult & { cpuUs: number | null }> {
  if (spec.warmupS > 0) await load({ ...spec, durationS: spec.warmupS, warmupS: 0 });
  const before = cpuMs(pid);
  const result = await load({ ...spec, warmupS: 0 });
  const after = cpuMs(pid);
  return { ...result, cpuUs: before === undefined || after === undefined ? null : round(((after - before) * 1000) / result.requests, 1) };
}

async function load(spec: LoadSpec): Promise<LoadResult> {
  const file = join(work, `${spec.scenario}.json`);
  writeFileSync(file, JSON.stringify(spec));
  process.stderr.write(`bench: ${spec.scenario}: ${spec.warmupS}s warm-up + ${spec.durationS}s measured, ${spec.connections} connections\n`);
  const result = lastJsonLine(await runNode(`load:${spec.scenario}`, [LOAD, file], process.env)) as LoadResult;
  if (result.requests === 0) throw new Error(`${spec.scenario}: no request completed`);
  return result;
}

/** Samples a process's RSS while `during` runs; returns the peak and the sample taken right after. */
async function withRss<T>(pid: number, during: Promise<T>): Promise<{ value: T; peakMb: number; endMb: number }> {
  let peakMb = 0;
  const timer = setInterval(() => (peakMb = Math.max(peakMb, rssMb(pid) ?? 0)), 250);
  try {
    const value = await during;
    const endMb = rssMb(pid) ?? 0;
    return { value, peakMb: Math.max(peakMb, endMb), endMb };
  } finally {
    clearInterval(timer);
  }
}

function badShare(r: LoadResult): number {
  return (r.non2xx + r.errors) / Math.max(1, r.requests);
}

const round = (v: number, digits: number): number => Number(v.toFixed(digits));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

type Measured = LoadResult & { cpuUs: number | null };

interface Round {
  baseline: Measured;
  start: Measured;
  check: Measured;
  /** The start load on the account with the pumping rules off. */
  unjudged: Measured;
}

interface RadiusResult {
  packets: number;
  answered: number;
  retransmitted: number;
  lost: number;
  seconds: number;
  packets_per_s: number;
}

interface SilentResult {
  sessions: number;
  load_s: number;
  lookups_per_s: number;
  p50_ms: number;
  p99_ms: number;
  outcomes: Record<string, number>;
}

/** A count from the stopped server's SQLite file: what it recorded, not what it answered. */
function countRows(path: string, query: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare(query).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** The read section on one database: seed it, start Verity on it, time the reads (see reads.ts). */
async function reads(url: string, env: NodeJS.ProcessEnv, flags: string[]): Promise<ReadResult> {
  const port = await freePort();
  const readEnv: NodeJS.ProcessEnv = { ...env, DATABASE_URL: url, PORT: String(port) };
  // PostgreSQL asks for the secrets every instance must share; the command line makes a set.
  if (!url.startsWith('sqlite:')) Object.assign(readEnv, lastJsonLine(await runNode('secrets', [CLI, 'secrets', 'generate', '--json'], env)));
  delete readEnv.RADIUS_PORT;
  delete readEnv.RADIUS_SECRET;
  const key = lastJsonLine(await runNode('keys', [CLI, 'keys', 'create', '--json'], readEnv)) as { key_id: string; secret: string };
  const accountId = await operatorAccount(url);
  const now = Date.now();
  process.stderr.write(`bench: reads: seeding ${READ_ROWS} verifications on ${url.split(':')[0]}\n`);
  const seedS = await seed(url, accountId, READ_ROWS, now);
  const server = startServer('verity-reads', [...flags, CLI, 'serve'], readEnv);
  servers.push(server);
  try {
    await waitReady(server, `http://127.0.0.1:${port}/healthz`, {});
    const authorization = `Basic ${Buffer.from(`${key.key_id}:${key.secret}`).toString('base64')}`;
    return { rows: READ_ROWS, seed_s: round(seedS, 1), ...(await measureReads(`http://127.0.0.1:${port}`, authorization, READ_ROWS, now)) };
  } finally {
    await stopServer(server);
  }
}

async function operatorAccount(url: string): Promise<string> {
  const query = 'select id from accounts order by created_at limit 1';
  if (url.startsWith('sqlite:')) {
    const db = new Database(url.slice('sqlite:'.length), { readonly: true });
    try {
      return (db.prepare(query).get() as { id: string }).id;
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ id: string }>(query)).rows[0]?.id as string;
  } finally {
    await client.end();
  }
}

/** A database of the bench's own on the PostgreSQL server, dropped afterwards; undefined when the server does not answer. */
async function withPostgres<T>(run: (url: string) => Promise<T>): Promise<T | undefined> {
  const admin = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (err) {
    process.stderr.write(`bench: reads: PostgreSQL at ${PG_URL} does not answer (${(err as Error).message}); skipped\n`);
    return undefined;
  }
  const name = `verity_bench_${process.pid}`;
  try {
    await admin.query(`create database ${name}`);
    const url = new URL(PG_URL);
    url.pathname = `/${name}`;
    return await run(url.toString());
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`).catch(() => undefined);
    await admin.end();
  }
}

async function main(): Promise<void> {
  if (DURATION_S < 10) process.stderr.write(`bench: BENCH_DURATION_S=${DURATION_S} < 10: a smoke run, not a reportable one\n`);
  const [basePort, verityPort, radiusPort] = [await freePort(), await freePort(), await freePort()];
  const baseUrl = `http://127.0.0.1:${basePort}`;
  const verityUrl = `http://127.0.0.1:${verityPort}`;

  const verityEnv: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(verityPort),
    HOST: '127.0.0.1',
    DATABASE_URL: `sqlite:${join(work, 'verity.db')}`,
    LOG_LEVEL: 'warn',
    LIMIT_START_PER_IP: GENEROUS,
    LIMIT_START_PER_ACCOUNT: GENEROUS,
    LIMIT_SEND_PER_DESTINATION: GENEROUS,
    LIMIT_GUESS_PER_DESTINATION: GENEROUS,
    MAX_ATTEMPTS: '100', // the most Verity accepts: wrong-code checks must not end the verifications
    RADIUS_PORT: String(radiusPort),
    RADIUS_SECRET,
  };
  for (const k of ['VERITY_CONFIG', 'REDIS_URL', 'PUBLIC_URL', 'LIMITS_STORE', 'PEPPERS', 'ENCRYPTION_KEY', 'TOKEN_SIGNING_KEY', 'SECRETS_FILE']) delete verityEnv[k];

  // The key first: on the empty database this also creates the operator account.
  const key = lastJsonLine(await runNode('keys', [CLI, 'keys', 'create', '--json'], verityEnv)) as { key_id?: unknown; secret?: unknown };
  if (typeof key.key_id !== 'string' || typeof key.secret !== 'string') throw new Error('keys create --json printed no key');
  const authorization = `Basic ${Buffer.from(`${key.key_id}:${key.secret}`).toString('base64')}`;

  const profDir = CPU_PROF ? mkdtempSync(join(tmpdir(), 'verity-cpu-prof-')) : undefined;
  // Both servers run on the node flags `npm start` uses (the baseline is indifferent to them).
  const flags = startNodeFlags();
  process.stderr.write(`bench: node flags from npm start: ${flags.join(' ') || '(none)'}\n`);
  const baseline = startServer('baseline', [...flags, BASELINE], { ...process.env, PORT: String(basePort) });
  const verity = startServer('verity', [...flags, ...(profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []), CLI, 'serve'], verityEnv);
  servers.push(baseline, verity);
  let verityStopping = false;
  void verity.exited.then((e) => {
    if (!verityStopping) process.stderr.write(`bench: verity exited unexpectedly (${e})\n`);
  });
  const echoProbe: RequestInit = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"n":1}' };
  await Promise.all([waitReady(baseline, `${baseUrl}/echo`, echoProbe), waitReady(verity, `${verityUrl}/healthz`, {})]);
  const pid = verity.child.pid;
  const basePid = baseline.child.pid;
  if (pid === undefined || basePid === undefined) throw new Error('a server has no pid');
  const idleMb = rssMb(pid) ?? 0;

  const common = { connections: CONNECTIONS, durationS: DURATION_S, warmupS: WARMUP_S };
  const unjudged = await fraudAccounts(verityUrl, authorization);
  const rounds: Round[] = [];
  let rss = 0;
  let peakMb = 0;
  for (let r = 1; r <= ROUNDS; r++) {
    process.stderr.write(`bench: round ${r} of ${ROUNDS}\n`);
    // The baseline stays up between its runs but idle: nothing loads it while Verity is measured.
    const baselineResult = await measured({ ...common, scenario: 'baseline', url: baseUrl }, basePid);
    // The same start load on the account with the pumping rules off, before or after it in turn.
    const startOff = () => measured({ ...common, scenario: 'start', url: verityUrl, authorization: unjudged }, pid);
    const offFirst = r % 2 === 0 ? await startOff() : undefined;
    const start = await withRss(pid, measured({ ...common, scenario: 'start', url: verityUrl, authorization }, pid));
    const unjudgedStart = offFirst ?? (await startOff());
    // A fresh pool each round, so no verification runs out of attempts.
    process.stderr.write(`bench: preparing ${CHECK_POOL} pending verifications for the check scenario\n`);
    const t0 = Date.now();
    // On the account with the pumping rules off: the pool's numbers walk through blocks, which the rules refuse.
    const checks = await preparePending(verityUrl, unjudged, CHECK_POOL);
    process.stderr.write(`bench: prepared in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    const perVerification = (start.value.rps * 4 * (DURATION_S + WARMUP_S)) / CHECK_POOL;
    if (perVerification > 95) process.stderr.write(`bench: warning: ~${perVerification.toFixed(0)} checks per verification may exceed MAX_ATTEMPTS=100; raise BENCH_CHECK_POOL\n`);
    const check = await withRss(pid, measured({ ...common, scenario: 'check', url: verityUrl, authorization: unjudged, checks }, pid));
    rounds.push({ baseline: baselineResult, start: start.value, check: check.value, unjudged: unjudgedStart });
    rss = check.endMb;
    peakMb = Math.max(peakMb, start.peakMb, check.peakMb);
  }
  await stopServer(baseline);

  process.stderr.write(`bench: radius: ${RADIUS_PACKETS} Accounting-Requests to the listener\n`);
  const radius = lastJsonLine(await runNode('radius', [RADIUS_LOAD, String(radiusPort), RADIUS_SECRET, String(RADIUS_PACKETS)], process.env)) as RadiusResult;
  if (verity.child.exitCode !== null || verity.child.signalCode !== null) throw new Error('verity died during the run');

  verityStopping = true;
  await stopServer(verity);
  const recorded = countRows(join(work, 'verity.db'), `select count(*) as n from operator_sessions where session_id like 'bench-%'`);

  process.stderr.write(`bench: silent: loading ${SESSIONS} sessions, then lookups for ${DURATION_S}s\n`);
  const silent = lastJsonLine(await runNode('silent', [SILENT, join(work, 'silent.db'), String(SESSIONS), String(DURATION_S)], process.env)) as SilentResult;

  const sqliteReads = await reads(`sqlite:${join(work, 'reads.db')}`, verityEnv, flags);
  const pgReads = await withPostgres((url) => reads(url, verityEnv, flags));

  const med = (pick: (rd: Round) => number): number => median(rounds.map(pick));
  const worst = (pick: (rd: Round) => number): number => Math.max(...rounds.map(pick));
  const core = {
    rounds: ROUNDS,
    start_rps: round(
      med((rd) => rd.start.rps),
      1,
    ),
    check_rps: round(
      med((rd) => rd.check.rps),
      1,
    ),
    baseline_rps: round(
      med((rd) => rd.baseline.rps),
      1,
    ),
    start_ratio: round(
      med((rd) => rd.start.rps / rd.baseline.rps),
      3,
    ),
    check_ratio: round(
      med((rd) => rd.check.rps / rd.baseline.rps),
      3,
    ),
    // CPU time per request of the server process; the ratio is the baseline's over Verity's.
    baseline_cpu_us: med((rd) => rd.baseline.cpuUs ?? Number.NaN),
    start_cpu_us: med((rd) => rd.start.cpuUs ?? Number.NaN),
    check_cpu_us: med((rd) => rd.check.cpuUs ?? Number.NaN),
    start_cpu_ratio: round(
      med((rd) => (rd.baseline.cpuUs ?? Number.NaN) / (rd.start.cpuUs ?? Number.NaN)),
      3,
    ),
    check_cpu_ratio: round(
      med((rd) => (rd.baseline.cpuUs ?? Number.NaN) / (rd.check.cpuUs ?? Number.NaN)),
      3,
    ),
    // The pumping rules' cost: the same start load with them scoring every start, against them off.
    fraud_throughput_cost: round(
      med((rd) => 1 - rd.start.rps / rd.unjudged.rps),
      3,
    ),
    fraud_cpu_us: round(
      med((rd) => (rd.start.cpuUs ?? Number.NaN) - (rd.unjudged.cpuUs ?? Number.NaN)),
      1,
    ),
    fraud_cpu_share: round(
      med((rd) => 1 - (rd.unjudged.cpuUs ?? Number.NaN) / (rd.start.cpuUs ?? Number.NaN)),
      3,
    ),
    start_p99_ms: worst((rd) => rd.start.latencyP99Ms),
    check_p99_ms: worst((rd) => rd.check.latencyP99Ms),
    rss_mb: round(rss, 1),
  };

  // ---- readable summary ----
  const lines: string[] = ['', `Verity bench: ${CONNECTIONS} connections, ${WARMUP_S}s warm-up + ${DURATION_S}s measured per scenario, load from a separate process`];
  lines.push('round scenario   req/s      p50 ms   p99 ms   mean ms  requests  non-2xx  conn-errors  status codes');
  rounds.forEach((rd, i) => {
    for (const r of [rd.baseline, rd.start, rd.check]) {
      lines.push(
        `${String(i + 1).padEnd(5)} ${r.scenario.padEnd(10)} ${r.rps.toFixed(1).padStart(9)} ${String(r.latencyP50Ms).padStart(8)} ${String(r.latencyP99Ms).padStart(8)} ${r.latencyMeanMs.toFixed(2).padStart(9)} ${String(r.requests).padStart(9)} ${String(r.non2xx).padStart(8)} ${String(r.errors).padStart(12)}  ${JSON.stringify(r.statusCodes)}`,
      );
    }
    lines.push(`      ratios: start ${(rd.start.rps / rd.baseline.rps).toFixed(3)}, check ${(rd.check.rps / rd.baseline.rps).toFixed(3)}`);
    lines.push(
      `      pumping rules: start ${rd.start.rps.toFixed(1)} req/s, ${rd.start.cpuUs} µs judged; ${rd.unjudged.rps.toFixed(1)} req/s, ${rd.unjudged.cpuUs} µs with the rules off (p99 ${rd.unjudged.latencyP99Ms} ms)`,
    );
    lines.push(
      `      CPU per request: baseline ${rd.baseline.cpuUs} µs, start ${rd.start.cpuUs} µs, check ${rd.check.cpuUs} µs; CPU ratios: start ${((rd.baseline.cpuUs ?? Number.NaN) / (rd.start.cpuUs ?? Number.NaN)).toFixed(3)}, check ${((rd.baseline.cpuUs ?? Number.NaN) / (rd.check.cpuUs ?? Number.NaN)).toFixed(3)}`,
    );
  });
  lines.push(
    `median of ${ROUNDS} round(s): baseline ${core.baseline_rps} req/s; start ${core.start_rps} req/s, ratio ${core.start_ratio}; check ${core.check_rps} req/s, ratio ${core.check_ratio}; worst p99 start ${core.start_p99_ms} ms, check ${core.check_p99_ms} ms`,
  );
  lines.push(
    `pumping rules: ${(core.fraud_throughput_cost * 100).toFixed(1)}% of start throughput, ${core.fraud_cpu_us} µs (${(core.fraud_cpu_share * 100).toFixed(1)}%) of CPU per start (median of the rounds' same-run differences)`,
  );
  lines.push(`verity RSS: ${idleMb.toFixed(1)} MB idle, ${rss.toFixed(1)} MB at the end of the last check load (peak ${peakMb.toFixed(1)} MB)`);
  lines.push('check = wrong code on a pending verification (counted attempt, 200 valid:false); see bench/load.ts');
  lines.push(
    `radius: ${radius.answered}/${radius.packets} Accounting-Requests answered in ${radius.seconds} s (${radius.packets_per_s} packets/s), ${radius.retransmitted} retransmitted, ${radius.lost} never answered, ${recorded} sessions recorded`,
  );
  lines.push(
    `silent: ${silent.lookups_per_s} lookups/s over ${silent.sessions} sessions (loaded in ${silent.load_s} s), p50 ${silent.p50_ms} ms, p99 ${silent.p99_ms} ms, results ${JSON.stringify(silent.outcomes)}`,
  );
  for (const [name, r] of [
    ['sqlite', sqliteReads],
    ['postgres', pgReads],
  ] as const) {
    lines.push(
      r
        ? `reads on ${name}, ${r.rows} verifications (seeded in ${r.seed_s} s), p50/p99 ms: list ${r.list_p50_ms}/${r.list_p99_ms}, deep page ${r.list_deep_p99_ms} (p99), timeline ${r.timeline_p50_ms}/${r.timeline_p99_ms}, 30-day analytics by day × channel × country ${r.analytics_p50_ms}/${r.analytics_p99_ms}${r.retried ? `; ${r.retried} request(s) asked again after a transport error` : ''}`
        : `reads on ${name}: skipped (no server)`,
    );
  }
  for (const r of rounds.flatMap((rd) => [rd.baseline, rd.start, rd.check, rd.unjudged])) {
    const share = badShare(r);
    if (share > 0.01) lines.push(`WARNING: ${r.scenario}: ${(share * 100).toFixed(2)}% of requests were non-2xx or failed (${r.non2xx} non-2xx, ${r.errors} errors): the numbers are not trustworthy`);
  }
  if (profDir) {
    const files = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile'));
    lines.push(files.length ? `CPU profile: ${files.map((f) => join(profDir, f)).join(', ')} (open in Chrome DevTools > Performance, or speedscope)` : `CPU profile: none written in ${profDir}`);
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);

  const summary = {
    ...core,
    silent_lookups_per_s: silent.lookups_per_s,
    silent_p99_ms: silent.p99_ms,
    radius_packets_per_s: radius.packets_per_s,
    radius_lost: radius.packets - recorded,
    list_p99_ms: sqliteReads.list_p99_ms,
    list_deep_p99_ms: sqliteReads.list_deep_p99_ms,
    timeline_p99_ms: sqliteReads.timeline_p99_ms,
    analytics_p99_ms: sqliteReads.analytics_p99_ms,
    pg_list_p99_ms: pgReads?.list_p99_ms ?? null,
    pg_list_deep_p99_ms: pgReads?.list_deep_p99_ms ?? null,
    pg_timeline_p99_ms: pgReads?.timeline_p99_ms ?? null,
    pg_analytics_p99_ms: pgReads?.analytics_p99_ms ?? null,
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

main().then(
  async () => {
    await Promise.all(servers.map((s) => stopServer(s)));
    process.exit(0);
  },
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
