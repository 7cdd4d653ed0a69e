/**
 * What a sliding-window rule (`window: 'sliding'`) promises on every limiter store; run inside
 * each store's contract in limiters.test.ts. Windows are aligned to the clock (a window of D
 * seconds starts at every multiple of D since the epoch) and rate-limiter-flexible reads
 * Date.now itself, so the cases that cross a boundary wait for a real one, with D = 1 s.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import type { Limiter, LimiterFactory, LimitResult, LimitRule } from '../../src/limits/limiter.js';
import { uniqueKey, uniqueName } from './limiter-stores.js';

const SECOND = 1_000;
const sliding = (points: number, durationSec: number): LimitRule => ({ points, durationSec, window: 'sliding' });

/** Where the clock is in its window of one second. */
function phase(): { index: number; elapsed: number } {
  const now = Date.now();
  return { index: Math.floor(now / SECOND), elapsed: now % SECOND };
}

/** Waits until `at` ms into a one-second window: this one if it is not there yet, else the next. */
async function waitForPhase(at: number): Promise<void> {
  const { elapsed } = phase();
  await sleep(elapsed < at ? at - elapsed : SECOND - elapsed + at);
}

export function slidingWindowContract(factory: () => LimiterFactory): void {
  const create = (rule: LimitRule) => factory().create(uniqueName(), rule);

  /** Fills one second-long window with `points` starts close to its end; returns its index. */
  async function burstAtWindowEnd(limiter: Limiter, key: string, points: number): Promise<number> {
    await waitForPhase(800);
    const { index } = phase();
    for (let i = 0; i < points; i++) expect((await limiter.consume(key)).allowed).toBe(true);
    // Otherwise the burst was split between two windows and proves nothing below.
    expect(phase().index).toBe(index);
    return index;
  }

  it('allows `points` within one window, then refuses; peek does not consume and reset restores', async () => {
    const limiter = create(sliding(3, 60));
    const key = uniqueKey();
    expect(await limiter.peek(key)).toEqual({ allowed: true, remaining: 3, retryAfterMs: 0 });
    const results: LimitResult[] = [];
    for (let i = 0; i < 4; i++) results.push(await limiter.consume(key));
    expect(results.map((r) => r.remaining)).toEqual([2, 1, 0, 0]);
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect((await limiter.peek(key)).allowed).toBe(false);
    await limiter.reset(key);
    expect(await limiter.consume(key)).toEqual({ allowed: true, remaining: 2, retryAfterMs: 0 });
    const other = uniqueKey();
    expect(await limiter.consume(other, 2)).toMatchObject({ allowed: true, remaining: 1 });
    expect((await limiter.consume(other, 2)).allowed).toBe(false);
  });

  it('a full budget at the end of one window allows only its decayed share at the start of the next', async () => {
    const points = 10;
    const limiter = create(sliding(points, 1));
    const key = uniqueKey();
    const index = await burstAtWindowEnd(limiter, key, points);
    await waitForPhase(250);
    const start = phase();
    let allowed = 0;
    let refusal: LimitResult | undefined;
    while (allowed < points && !refusal) {
      const result = await limiter.consume(key);
      if (result.allowed) allowed++;
      else refusal = result;
    }
    const end = phase();
    expect([start.index, end.index]).toEqual([index + 1, index + 1]);
    // The previous window weighs (1 − elapsed) of its 10: one start per 100 ms elapsed is free.
    expect(allowed).toBeGreaterThanOrEqual(Math.floor((points * start.elapsed) / SECOND));
    expect(allowed).toBeLessThanOrEqual(Math.floor((points * end.elapsed) / SECOND));
    expect(allowed).toBeLessThan(points / 2);
    // The next start is free once another 100 ms of the previous window have faded.
    expect(refusal?.retryAfterMs).toBeGreaterThan(0);
    expect(refusal?.retryAfterMs).toBeLessThanOrEqual(SECOND / points + 1);
    await sleep((refusal?.retryAfterMs ?? 0) + 20);
    expect((await limiter.consume(key)).allowed).toBe(true);
  });

  it('refused consumes are not counted, so they neither use the budget nor lengthen the wait', async () => {
    const limiter = create(sliding(3, 60));
    const key = uniqueKey();
    for (let i = 0; i < 3; i++) await limiter.consume(key);
    const first = await limiter.consume(key);
    let last = first;
    for (let i = 0; i < 20; i++) last = await limiter.consume(key);
    expect([first.allowed, last.allowed]).toEqual([false, false]);
    expect(last.retryAfterMs).toBeLessThanOrEqual(first.retryAfterMs);
    // Had the 21 refusals counted, one point back would still leave the key far over.
    await limiter.reward(key);
    expect(await limiter.peek(key)).toEqual({ allowed: true, remaining: 1, retryAfterMs: 0 });
    expect((await limiter.consume(key)).allowed).toBe(true);
    expect((await limiter.consume(key)).allowed).toBe(false);
  });

  it('retryAfterMs is when the next start fits: the window end plus the share of it still to fade', async () => {
    const limiter = create(sliding(2, 1));
    const key = uniqueKey();
    // Far enough from a boundary that both starts and the refusal land in one window.
    if (phase().elapsed > 600) await waitForPhase(50);
    const before = Date.now();
    await limiter.consume(key);
    await limiter.consume(key);
    const refused = await limiter.consume(key);
    const after = Date.now();
    // This window holds 2 of 2: in the next one it must fade to 1, which takes half of it.
    const windowEnd = (Math.floor(before / SECOND) + 1) * SECOND;
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeGreaterThanOrEqual(windowEnd - after + SECOND / 2);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(windowEnd - before + SECOND / 2 + 1);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(2 * SECOND);
    await sleep(refused.retryAfterMs + 20);
    expect((await limiter.consume(key)).allowed).toBe(true);
    expect((await limiter.consume(key)).allowed).toBe(false);
  });

  it('parallel consumes are allowed only while they all fit, within a window and after a full one', async () => {
    const within = create(sliding(10, 60));
    const key = uniqueKey();
    const results = await Promise.all(Array.from({ length: 50 }, () => within.consume(key)));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    expect(results.filter((r) => !r.allowed).every((r) => r.retryAfterMs > 0)).toBe(true);

    const points = 10;
    const limiter = create(sliding(points, 1));
    const after = uniqueKey();
    const index = await burstAtWindowEnd(limiter, after, points);
    await waitForPhase(300);
    const start = phase();
    const burst = await Promise.all(Array.from({ length: 50 }, () => limiter.consume(after)));
    const end = phase();
    expect([start.index, end.index]).toEqual([index + 1, index + 1]);
    // The previous window's count is settled, so the estimate is the bound, with no excess.
    const allowed = burst.filter((r) => r.allowed).length;
    expect(allowed).toBeGreaterThanOrEqual(Math.floor((points * start.elapsed) / SECOND));
    expect(allowed).toBeLessThanOrEqual(Math.floor((points * end.elapsed) / SECOND));
  });

  it('the full budget is back once two windows have passed without a start', async () => {
    const limiter = create(sliding(3, 1));
    const key = uniqueKey();
    for (let i = 0; i < 3; i++) await limiter.consume(key);
    expect((await limiter.consume(key)).allowed).toBe(false);
    await sleep(2 * SECOND + 20);
    expect(await limiter.peek(key)).toEqual({ allowed: true, remaining: 3, retryAfterMs: 0 });
    const allowed = [];
    for (let i = 0; i < 4; i++) allowed.push((await limiter.consume(key)).allowed);
    expect(allowed).toEqual([true, true, true, false]);
  });

  it('a reward gives a point back and never raises the budget above `points`', async () => {
    const limiter = create(sliding(2, 60));
    const key = uniqueKey();
    await limiter.reward(key, 3);
    expect(await limiter.peek(key)).toEqual({ allowed: true, remaining: 2, retryAfterMs: 0 });
    await limiter.consume(key);
    await limiter.consume(key);
    await limiter.reward(key);
    expect(await limiter.peek(key)).toEqual({ allowed: true, remaining: 1, retryAfterMs: 0 });
    expect((await limiter.consume(key)).allowed).toBe(true);
    expect((await limiter.consume(key)).allowed).toBe(false);
  });

  it('a name keeps its window kind; an unknown kind is refused and a zero budget disables', async () => {
    const name = uniqueName();
    factory().create(name, sliding(1, 60));
    expect(() => factory().create(name, { points: 1, durationSec: 60 })).toThrow(/different rule/);
    expect(factory().create(name, sliding(1, 60))).toBe(factory().create(name, sliding(1, 60)));
    expect(() => create({ points: 1, durationSec: 60, window: 'rolling' as LimitRule['window'] })).toThrow(RangeError);
    const disabled = create(sliding(0, 60));
    expect(await disabled.consume(uniqueKey())).toEqual({ allowed: true, remaining: Infinity, retryAfterMs: 0 });
  });
}
