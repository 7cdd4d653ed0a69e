/**
 * The load generator, run as its own process so it does not share a CPU thread with the server
 * it measures. Usage: node dist/bench/load.js <spec.json>. Runs a warm-up, then the measured run,
 * and prints the measured run as one JSON line (LoadResult) on stdout.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import type { CheckTarget, LoadResult, LoadSpec } from './spec.js';

type Request = autocannon.Request;

let nth = Math.floor(Math.random() * 1e8);
/**
 * A Brazilian mobile (+55 11 9xxxx-xxxx): a fresh destination per request, so per-destination
 * limits never pile up. Consecutive ones land in blocks of a thousand numbers 100,000 requests
 * apart, so none looks like a walk through a block (which the pumping rules would refuse).
 */
function nextBrMobile(): string {
  nth += 1;
  const block = (nth * 7919) % 100_000;
  const within = (nth * 37) % 1000;
  return `+55119${String(block * 1000 + within).padStart(8, '0')}`;
}

/** The delivered code with its last digit changed: same length and format, never right. */
function wrongCode(code: string): string {
  const last = Number(code.at(-1));
  return `${code.slice(0, -1)}${(last + 1) % 10}`;
}

function requestsFor(spec: LoadSpec): Request[] {
  switch (spec.scenario) {
    case 'baseline':
      return [{ method: 'POST', path: '/echo', body: JSON.stringify({ hello: 'world', n: 42 }) }];
    case 'start':
      return [
        {
          method: 'POST',
          path: '/v1/verifications',
          setupRequest: (req: Request): Request => ({ ...req, body: JSON.stringify({ to: nextBrMobile(), channel: 'sms' }) }),
        },
      ];
    case 'check': {
      // Round-robin over the prepared verifications, always with a WRONG code: a counted attempt
      // (row read, guess-limiter consume, attempt UPDATE, hash compare) answered 200 valid:false.
      // A right code approves a verification once and every later check is a 409, so right codes
      // cannot sustain a 10 s run; the wrong-code path is the common, full-cost check path.
      const targets: CheckTarget[] = spec.checks ?? [];
      if (targets.length === 0) throw new Error('scenario check needs spec.checks');
      const prepared = targets.map((t) => ({ path: `/v1/verifications/${t.id}/check`, body: JSON.stringify({ code: wrongCode(t.code) }) }));
      let cursor = 0;
      return [
        {
          method: 'POST',
          path: prepared[0]?.path ?? '/',
          setupRequest: (req: Request): Request => {
            const next = prepared[cursor++ % prepared.length] ?? prepared[0];
            return next ? { ...req, path: next.path, body: next.body } : req;
          },
        },
      ];
    }
  }
}

function run(spec: LoadSpec, durationS: number): Promise<autocannon.Result> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (spec.authorization) headers.authorization = spec.authorization;
  return autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: durationS,
    headers,
    requests: requestsFor(spec),
  });
}

function summarize(spec: LoadSpec, r: autocannon.Result): LoadResult {
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(r.statusCodeStats ?? {})) statusCodes[code] = stat.count ?? 0;
  const requests = r.requests.total;
  return {
    scenario: spec.scenario,
    durationS: r.duration,
    requests,
    rps: r.duration > 0 ? requests / r.duration : 0,
    latencyP50Ms: r.latency.p50,
    latencyP99Ms: r.latency.p99,
    latencyMeanMs: r.latency.mean,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    statusCodes,
  };
}

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: load.js <spec.json>');
  const spec = JSON.parse(readFileSync(file, 'utf8')) as LoadSpec;
  if (spec.warmupS > 0) await run(spec, spec.warmupS);
  const result = await run(spec, spec.durationS);
  process.stdout.write(`${JSON.stringify(summarize(spec, result))}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`load: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
