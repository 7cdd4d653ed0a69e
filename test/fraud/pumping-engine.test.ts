import { describe, expect, it } from 'vitest';
import { PumpingEngine, type PumpingInput } from '../../src/fraud/pumping/engine.js';

const THRESHOLD = 60;
const T0 = Date.parse('2026-01-01T00:00:00Z');

/** A seeded generator, so every run sees the same traffic. */
function rng(seed: number) {
  let x = seed;
  return () => {
    x = (x * 48271) % 2147483647;
    return x / 2147483647;
  };
}

type Kind = 'legit' | 'spike' | 'burst' | 'slow';
interface Event {
  at: number;
  kind: Kind;
  to: string;
  country: string;
  ip: string;
  price: number;
  /** When its code is typed; never for attacks. */
  approveAt?: number;
}

/** Two and a half minutes of the mix: home-market users, a marketing spike, a foreign burst and a slow walk through one home block. */
function traffic(seed: number): Event[] {
  const r = rng(seed);
  const out: Event[] = [];
  const digits = (n: number) => String(Math.floor(r() * 10 ** n)).padStart(n, '0');
  const user = (at: number, kind: Kind): Event => {
    const typed = r() < 0.84;
    return {
      at,
      kind,
      to: `+55${11 + Math.floor(r() * 80)}9${digits(8)}`,
      country: 'BR',
      ip: `10.${digits(2)}.${digits(2)}.${digits(2)}`,
      price: 50_000,
      ...(typed ? { approveAt: at + 8_000 + r() * 40_000 } : {}),
    };
  };
  for (let at = T0; at < T0 + 150_000; at += 2_000) out.push(user(at + r() * 2_000, 'legit'));
  for (let at = T0 + 60_000; at < T0 + 90_000; at += 100) out.push(user(at + r() * 100, 'spike'));
  const ranges = ['+23480312', '+23481234', '+23470398'];
  for (let at = T0 + 30_000; at < T0 + 150_000; at += 40)
    out.push({ at, kind: 'burst', to: `${ranges[Math.floor(r() * 3)]}${digits(5)}`, country: 'NG', ip: `172.${digits(2)}.${digits(2)}.${digits(2)}`, price: 300_000 });
  let tail = 100;
  for (let at = T0 + 20_000; at < T0 + 150_000; at += 3_000) {
    tail += 1 + Math.floor(r() * 3);
    out.push({ at, kind: 'slow', to: `+5511987654${String(tail).padStart(3, '0')}`, country: 'BR', ip: `192.${digits(2)}.${digits(2)}.${digits(2)}`, price: 50_000 });
  }
  return out.sort((a, b) => a.at - b.at);
}

function run(seed: number, history = true) {
  const engine = new PumpingEngine();
  const blocks = new Map<string, number>();
  const stats = new Map<Kind, { starts: number; refused: number; firstRefusal?: number; first?: number }>();
  const approvals: Array<{ at: number; to: string; country: string }> = [];
  for (const e of traffic(seed)) {
    while (approvals.length > 0 && (approvals[0] as { at: number }).at <= e.at) {
      const a = approvals.shift() as { at: number; to: string; country: string };
      engine.approved('acc_1', a.to, a.country, a.to, a.at);
    }
    const s = stats.get(e.kind) ?? { starts: 0, refused: 0 };
    stats.set(e.kind, s);
    s.starts += 1;
    s.first ??= e.at;
    const input: PumpingInput = { accountId: 'acc_1', to: e.to, country: e.country, ip: e.ip, priceMicros: e.price, now: e.at, countryApprovals: history && e.country === 'BR' ? 5_000 : 0 };
    const assessed = engine.assess(input);
    const blocked = [...blocks].some(([prefix, until]) => until > e.at && e.to.startsWith(prefix));
    const refused = blocked || assessed.score >= THRESHOLD;
    if (refused && !blocked) blocks.set(assessed.prefix, e.at + 15 * 60_000);
    engine.record(input, assessed, !refused);
    if (refused) {
      s.refused += 1;
      s.firstRefusal ??= e.at;
    } else if (e.approveAt) {
      approvals.push({ at: e.approveAt, to: e.to, country: e.country });
      approvals.sort((x, y) => x.at - y.at);
    }
  }
  return stats;
}

describe('the pumping rules on a simulated mix', () => {
  it.each([1, 7, 42])('block the attacks and let real users through (seed %i)', (seed) => {
    const s = run(seed);
    const share = (k: Kind) => (s.get(k)?.refused ?? 0) / (s.get(k)?.starts ?? 1);
    const timeToBlock = (k: Kind) => ((s.get(k)?.firstRefusal ?? Infinity) - (s.get(k)?.first ?? 0)) / 1000;
    const summary = Object.fromEntries([...s].map(([k, v]) => [k, { starts: v.starts, refused: v.refused, percent: Math.round(share(k) * 1000) / 10, to_block_s: timeToBlock(k) }]));
    if (process.env.SHOW_MIX) process.stdout.write(`mix ${seed} ${JSON.stringify(summary)}\n`);
    expect(share('burst'), JSON.stringify(summary)).toBeGreaterThanOrEqual(0.95);
    expect(timeToBlock('burst'), JSON.stringify(summary)).toBeLessThanOrEqual(20);
    expect(share('slow'), JSON.stringify(summary)).toBeGreaterThanOrEqual(0.8);
    expect(timeToBlock('slow'), JSON.stringify(summary)).toBeLessThanOrEqual(60);
    expect(share('legit'), JSON.stringify(summary)).toBeLessThanOrEqual(0.01);
    expect(share('spike'), JSON.stringify(summary)).toBeLessThanOrEqual(0.01);
  });

  it('judge a new account by its first minutes: its users who type their codes pass, the burst does not', () => {
    const s = run(3, false);
    const share = (k: Kind) => (s.get(k)?.refused ?? 0) / (s.get(k)?.starts ?? 1);
    expect(share('burst')).toBeGreaterThanOrEqual(0.95);
    expect(share('legit')).toBeLessThanOrEqual(0.01);
    expect(share('spike')).toBeLessThanOrEqual(0.01);
  });
});

describe('each pumping signal moves the score', () => {
  const base = { accountId: 'acc_s', country: 'BR', priceMicros: 50_000, countryApprovals: 100 };
  const fresh = () => new PumpingEngine();
  /** `n` starts from `engine` (recorded as sent), each `gap` ms apart from `at`. */
  const feed = (engine: PumpingEngine, n: number, make: (i: number) => Partial<PumpingInput>, at = T0, gap = 1000) => {
    for (let i = 0; i < n; i++) {
      const input: PumpingInput = { ...base, to: `+55219${String(10_000_000 + i * 7_919).padStart(8, '0')}`, ip: `10.0.0.${i % 250}`, now: at + i * gap, ...make(i) };
      engine.record(input, engine.assess(input), true);
    }
  };
  const points = (engine: PumpingEngine, input: Partial<PumpingInput>) => {
    const a = engine.assess({ ...base, to: '+5531987654321', ip: '10.9.9.9', now: T0 + 3_600_000, ...input });
    return Object.fromEntries(a.reasons.map((r) => [r.signal, r.points]));
  };

  it('number type: a premium-rate or VoIP number', () => {
    expect(points(fresh(), {}).number_type).toBeUndefined();
    expect(points(fresh(), { numberType: 'PREMIUM_RATE' }).number_type).toBe(40);
    expect(points(fresh(), { numberType: 'VOIP' }).number_type).toBe(40);
    expect(points(fresh(), { numberType: 'MOBILE' }).number_type).toBeUndefined();
  });

  it('sequential: a walk through one block of a thousand numbers', () => {
    const e = fresh();
    const now = T0 + 3_600_000;
    feed(e, 3, (i) => ({ to: `+5531987654${300 + i * 2}`, now: now - 10_000 + i * 1000 }));
    expect(points(e, { to: '+5531987654307', now }).sequential).toBe(35);
    expect(points(e, { to: '+5531987654900', now }).sequential).toBeUndefined();
  });

  it('conversion: sends old enough to be typed that nobody typed, against the account’s own rate', () => {
    const e = fresh();
    // The account converts elsewhere...
    feed(e, 20, () => ({}), T0);
    for (let i = 0; i < 20; i++) {
      const to = `+55219${String(10_000_000 + i * 7_919).padStart(8, '0')}`;
      e.approved('acc_1', to, 'BR', to, T0 + i * 1000 + 5000);
    }
    // ...but not in this range.
    feed(e, 30, (i) => ({ to: `+5531987${String(100_000 + i * 9_973).padStart(6, '0')}`, ip: `10.1.0.${i}` }), T0 + 600_000, 20_000);
    const p = points(e, { now: T0 + 600_000 + 30 * 20_000 + 120_000 });
    expect(p.conversion).toBeGreaterThan(15);
  });

  it('volume: a burst against the prefix’s usual rate', () => {
    const e = fresh();
    expect(points(e, {}).volume).toBeUndefined();
    feed(e, 40, (i) => ({ to: `+5531987${String(100_000 + i * 9_973).padStart(6, '0')}`, ip: `10.2.0.${i}` }), T0 + 3_600_000 - 20_000, 500);
    expect(points(e, {}).volume).toBe(25);
  });

  it('new country: none of the account’s codes to this country was ever typed', () => {
    expect(points(fresh(), { countryApprovals: 0 }).new_country).toBe(20);
    expect(points(fresh(), { countryApprovals: 3 }).new_country).toBeUndefined();
  });

  it('addresses: many addresses into one range nobody converts in, or one address asking for many destinations', () => {
    const spread = fresh();
    feed(spread, 14, (i) => ({ to: `+5531987${String(100_000 + i * 9_973).padStart(6, '0')}`, ip: `10.3.0.${i}` }), T0 + 3_600_000 - 60_000, 4_000);
    expect(points(spread, {}).addresses).toBeGreaterThanOrEqual(14);
    const fan = fresh();
    feed(fan, 10, (i) => ({ to: `+55119${String(10_000_000 + i * 7_919).padStart(8, '0')}`, ip: '10.9.9.9' }), T0 + 3_600_000 - 60_000, 5_000);
    expect(points(fan, {}).addresses).toBe(15);
  });

  it('price: a destination far dearer than the account’s usual', () => {
    const e = fresh();
    feed(e, 5, () => ({ priceMicros: 50_000 }));
    expect(points(e, { priceMicros: 60_000 }).price).toBeUndefined();
    expect(points(e, { priceMicros: 400_000 }).price).toBe(10);
  });
});
