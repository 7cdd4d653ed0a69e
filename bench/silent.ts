/**
 * Silent-lookup benchmark, run as its own process by bench/run.ts: an embedded-default database
 * (SQLite) with SESSIONS data sessions and CGNAT port blocks loaded, then lookups through the
 * SilentEngine, 32 at a time, for the given seconds. A quarter of the lookups hit each of
 * the four results. Prints one JSON line: lookups per second and latency percentiles.
 *
 * Usage: node dist/bench/silent.js <sqlite path> <sessions> <duration s>
 */
import { performance } from 'node:perf_hooks';
import { migrate, openDatabase } from '../src/db/database.js';
import { systemClock } from '../src/lib/clock.js';
import { OperatorStore, type CgnatMapping, type SessionEvent } from '../src/silent/operator-store.js';
import { SilentEngine, type SilentQuery } from '../src/silent/silent-engine.js';

const CONCURRENCY = 32;
const BATCH = 10_000;
const ACCOUNT = 'acc_bench_operator';

const ipOf = (i: number) => `201.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`; // 201.0.0.0/8: the operator's
const natIp = (i: number) => `100.${64 + ((i >> 16) & 63)}.${(i >> 8) & 255}.${i & 255}`;
const msisdnOf = (i: number) => `+55119${String(i).padStart(8, '0')}`;

async function main(): Promise<void> {
  const [path, sessionsArg, durationArg] = process.argv.slice(2);
  const sessions = Number(sessionsArg ?? 1_000_000);
  const durationMs = Number(durationArg ?? 10) * 1000;
  const database = openDatabase(`sqlite:${path ?? ':memory:'}`);
  await migrate(database);
  const store = new OperatorStore(database);
  const now = Date.now();
  await store.setRanges(ACCOUNT, ['201.0.0.0/8'], now);

  // Every tenth session is behind CGNAT (a private address and a 1,024-port block of a public one);
  // every fifth ended a minute ago.
  const loadStart = performance.now();
  for (let from = 0; from < sessions; from += BATCH) {
    const events: SessionEvent[] = [];
    const blocks: CgnatMapping[] = [];
    for (let i = from; i < Math.min(sessions, from + BATCH); i++) {
      const nat = i % 10 === 0;
      const ip = nat ? natIp(i) : ipOf(i);
      events.push({ status: 'start', sessionId: `s${i}`, msisdn: msisdnOf(i), ip, at: now - 3_600_000 });
      if (i % 5 === 1) events.push({ status: 'stop', sessionId: `s${i}`, msisdn: msisdnOf(i), ip, at: now - 60_000 });
      if (nat) blocks.push({ private_ip: ip, public_ip: ipOf(i >> 6), port_start: (i & 63) * 1024, port_end: (i & 63) * 1024 + 1023, started_at: now - 3_600_000, ended_at: null });
    }
    await store.recordSessions(ACCOUNT, events);
    await store.ingestCgnat(ACCOUNT, blocks);
  }
  const loadS = (performance.now() - loadStart) / 1000;
  process.stderr.write(`silent: loaded ${sessions} sessions in ${loadS.toFixed(1)} s\n`);

  const engine = new SilentEngine(store, systemClock, 30_000);
  const query = (n: number): SilentQuery => {
    const i = Math.floor(Math.random() * sessions);
    switch (n % 4) {
      case 0: // the right number: online, or offline for an ended session
        return i % 10 === 0 ? { msisdn: msisdnOf(i), ip: ipOf(i >> 6), port: (i & 63) * 1024 + 7 } : { msisdn: msisdnOf(i), ip: ipOf(i) };
      case 1:
        return { msisdn: msisdnOf(i), ip: ipOf(i), at: now - 120_000 };
      case 2: // another number
        return { msisdn: msisdnOf((i + 1) % sessions), ip: ipOf(i) };
      default: // outside the ranges
        return { msisdn: msisdnOf(i), ip: `198.51.100.${i & 255}` };
    }
  };

  const latencies: number[] = [];
  const outcomes: Record<string, number> = {};
  let n = 0;
  const until = performance.now() + durationMs;
  const worker = async () => {
    while (performance.now() < until) {
      const q = query(n++);
      const t0 = performance.now();
      const { outcome } = await engine.lookup(q);
      latencies.push(performance.now() - t0);
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const elapsed = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
  await database.close();
  process.stdout.write(
    `${JSON.stringify({ sessions, load_s: Number(loadS.toFixed(1)), lookups: latencies.length, lookups_per_s: Number((latencies.length / elapsed).toFixed(1)), p50_ms: Number(pct(0.5).toFixed(2)), p99_ms: Number(pct(0.99).toFixed(2)), outcomes })}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`silent: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
