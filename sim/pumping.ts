/**
 * The pumping scenario: real users, a marketing spike, a foreign burst and a slow walk through a
 * home block, all against one running Verity in real time (see traffic.ts for the mix), and what
 * its fraud layer did with each start.
 */
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Outcome, type PumpingReport, tally } from './tally.js';
import { HUMAN_DELAY_S, type PlannedStart, planPumping } from './traffic.js';
import { type Answer, VerityClient } from './verity-client.js';

export interface PumpingOptions {
  /** The server, on this machine (the simulator refuses any other host). */
  url: string;
  /** The Authorization header value: `Basic base64(key_id:secret)`. */
  authorization: string;
  seed: number;
  durationS: number;
  /** Multiplies every rate (default 1). */
  scale?: number;
  /** Requests in flight at most (default 64). */
  concurrency?: number;
  /** Called every PROGRESS_S with a line on how the run is going. */
  progress?: (line: string) => void;
}

/** How long a person looks for the code in the inbox before giving up on it. */
const INBOX_WAIT_MS = 5_000;
const INBOX_POLL_MS = 250;
/** The last requests' time to answer after the last person typed. */
const HARD_STOP_GRACE_S = 5;
const PROGRESS_S = 15;

export async function simulatePumping(o: PumpingOptions): Promise<PumpingReport> {
  const scale = o.scale ?? 1;
  if (!Number.isInteger(o.seed)) throw new Error(`seed must be an integer, got ${o.seed}`);
  if (!(o.durationS > 0) || !(scale > 0)) throw new Error(`duration and scale must be positive, got ${o.durationS} s and ${scale}`);
  const plan = planPumping({ seed: o.seed, durationS: o.durationS, scale });
  const client = new VerityClient(o.url, o.authorization, o.concurrency ?? 64);
  const startedAt = new Date();
  try {
    const balance = await client.call('GET', '/v1/balance');
    if (balance.status !== 200 || typeof balance.body?.currency !== 'string') throw new Error(`GET /v1/balance answered ${balance.status || balance.error}: is the key right?`);
    const prices = smsPrices(balance.body.prices);
    const priced = prices.length > 0;

    // Nothing outlives the last person's last code by more than the grace.
    const hardStop = AbortSignal.timeout((o.durationS + HUMAN_DELAY_S.max + HARD_STOP_GRACE_S) * 1000);
    // Every request and wait in flight listens to it, thousands at a time: not a leak.
    setMaxListeners(0, hardStop);
    const outcomes: Outcome[] = [];
    const ticker = o.progress ? setInterval(() => o.progress?.(progressLine(client.now(), outcomes)), PROGRESS_S * 1000) : undefined;
    const runs: Array<Promise<void>> = [];
    const t0 = client.now();
    try {
      for (const p of plan) {
        const wait = t0 + p.atMs - client.now();
        if (wait > 0) await sleep(wait);
        if (hardStop.aborted) break;
        const outcome: Outcome = { cls: p.cls, issuedMs: 0, answeredMs: 0, status: 0 };
        outcomes.push(outcome);
        runs.push(person(client, p, outcome, hardStop, priceOf(prices, p.to)));
      }
      await Promise.all(runs);
    } finally {
      clearInterval(ticker);
    }
    const wallS = (client.now() - t0) / 1000;
    return tally(outcomes, { seed: o.seed, durationS: o.durationS, scale, startedAt: startedAt.toISOString(), wallS, currency: balance.body.currency, priced });
  } finally {
    await client.close();
  }
}

/** One start and, for a person, reading the code and typing it; `priceMicros`: what the start's send costs. */
async function person(client: VerityClient, p: PlannedStart, out: Outcome, signal: AbortSignal, priceMicros: number): Promise<void> {
  const start = await client.call('POST', '/v1/verifications', { body: { to: p.to, channel: 'sms' }, ip: p.ip, signal });
  record(out, start);
  const id = start.body?.id;
  if (start.status < 200 || start.status >= 300 || typeof id !== 'string') return;
  out.id = id;
  out.priceMicros = priceMicros;
  if (p.behaviour === 'never' || p.behaviour === 'gives_up') return;
  out.approved = false;
  try {
    await sleep(Math.max(0, start.answeredMs + p.typeAfterMs - client.now()), undefined, { signal });
    const code = await readCode(client, p.to, signal);
    if (code === undefined) {
      out.cutOff = signal.aborted;
      return;
    }
    if (p.behaviour === 'wrong_first') {
      await check(client, id, wrongCode(code, p.wrongBy), p.ip, signal);
      await sleep(p.retypeAfterMs, undefined, { signal });
    }
    out.approved = (await check(client, id, code, p.ip, signal)) === 'approved';
  } catch (err) {
    // The hard stop: this person had not finished, and counts as not approved.
    if (!signal.aborted) throw err;
    out.cutOff = true;
  }
}

function record(out: Outcome, a: Answer): void {
  out.issuedMs = a.issuedMs;
  out.answeredMs = a.answeredMs;
  out.status = a.status;
  if (a.error) out.error = a.error;
  const code = a.body?.code;
  if (a.status >= 400 && typeof code === 'string') out.code = code;
  const signals = a.body?.signals;
  if (Array.isArray(signals)) out.signals = signals.filter((s): s is string => typeof s === 'string');
}

/** The phone's side: the sandbox's dev inbox, newest first, polled until the message is there. */
async function readCode(client: VerityClient, to: string, signal: AbortSignal): Promise<string | undefined> {
  const until = client.now() + INBOX_WAIT_MS;
  for (;;) {
    const r = await client.call('GET', `/v1/sandbox/messages?to=${encodeURIComponent(to)}&limit=1`, { signal });
    const first = (r.body?.messages as Array<{ code?: unknown }> | undefined)?.[0];
    if (typeof first?.code === 'string') return first.code;
    if (client.now() >= until || signal.aborted) return undefined;
    await sleep(INBOX_POLL_MS, undefined, { signal });
  }
}

async function check(client: VerityClient, id: string, code: string, ip: string, signal: AbortSignal): Promise<string | undefined> {
  const r = await client.call('POST', `/v1/verifications/${encodeURIComponent(id)}/check`, { body: { code }, ip, signal });
  if (signal.aborted) throw signal.reason;
  return typeof r.body?.status === 'string' ? r.body.status : undefined;
}

/** A code of the same length that is certainly not the right one. */
export function wrongCode(code: string, by: number): string {
  const mod = 10 ** code.length;
  return String((Number(code) + by) % mod).padStart(code.length, '0');
}

/** The account's SMS prices (GET /v1/balance), longest prefix first. */
function smsPrices(list: unknown): Array<{ prefix: string; micros: number }> {
  const rows = Array.isArray(list) ? (list as Array<{ channel?: unknown; prefix?: unknown; price?: unknown }>) : [];
  return rows
    .filter((r) => r.channel === 'sms' && typeof r.prefix === 'string' && typeof r.price === 'number')
    .map((r) => ({ prefix: r.prefix as string, micros: Math.round((r.price as number) * 1e6) }))
    .sort((x, y) => y.prefix.length - x.prefix.length);
}

/**
 * What a send costs by the account's price list: what a real provider's send is charged (the
 * sandbox provider itself bills nothing).
 */
function priceOf(prices: ReadonlyArray<{ prefix: string; micros: number }>, to: string): number {
  return prices.find((p) => to.slice(1).startsWith(p.prefix))?.micros ?? 0;
}

function progressLine(nowMs: number, outcomes: readonly Outcome[]): string {
  const answered = outcomes.filter((x) => x.status !== 0);
  const sent = answered.filter((x) => x.status < 300).length;
  return `pumping: ${(nowMs / 1000).toFixed(0)} s, ${outcomes.length} starts, ${sent} sent, ${answered.length - sent} refused or failed`;
}
