import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Limiter, LimitRule } from '../../src/limits/limiter.js';
import { enabled, type Harness, skipped, type StoreCase, uniqueKey, uniqueName } from './limiter-stores.js';
import { slidingWindowContract } from './sliding-window-contract.js';

function contract(store: StoreCase): void {
  let harness: Harness;
  const create = (rule: LimitRule): Limiter => harness.factory.create(uniqueName(), rule);

  beforeAll(async () => {
    harness = await store.setup();
  });
  afterAll(async () => {
    await harness?.teardown();
  });

  it('allows exactly `points` consumes within the window then refuses with a retry delay', async () => {
    const limiter = create({ points: 3, durationSec: 60 });
    const key = uniqueKey();
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await limiter.consume(key));
    expect(results.slice(0, 3)).toEqual([
      { allowed: true, remaining: 2, retryAfterMs: 0 },
      { allowed: true, remaining: 1, retryAfterMs: 0 },
      { allowed: true, remaining: 0, retryAfterMs: 0 },
    ]);
    const refused = results[3];
    expect(refused?.allowed).toBe(false);
    expect(refused?.remaining).toBe(0);
    expect(refused?.retryAfterMs).toBeGreaterThan(0);
    expect(refused?.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('a consume right after create succeeds (store setup is awaited)', async () => {
    const result = await create({ points: 1, durationSec: 60 }).consume(uniqueKey());
    expect(result).toEqual({ allowed: true, remaining: 0, retryAfterMs: 0 });
  });

  it('a multi-point consume charges all its points', async () => {
    const limiter = create({ points: 5, durationSec: 60 });
    const key = uniqueKey();
    expect(await limiter.consume(key, 3)).toMatchObject({ allowed: true, remaining: 2 });
    expect((await limiter.consume(key, 3)).allowed).toBe(false);
  });

  it('a reward gives a point back', async () => {
    const limiter = create({ points: 2, durationSec: 60 });
    const key = uniqueKey();
    await limiter.consume(key);
    await limiter.consume(key);
    await limiter.reward(key);
    expect(await limiter.peek(key)).toEqual({ allowed: true, remaining: 1, retryAfterMs: 0 });
    expect((await limiter.consume(key)).allowed).toBe(true);
    expect((await limiter.consume(key)).allowed).toBe(false);
  });

  it('a reward never raises the budget above `points`', async () => {
    const limiter = create({ points: 2, durationSec: 60 });
    const key = uniqueKey();
    await limiter.reward(key, 3);
    expect(await limiter.peek(key)).toEqual({ allowed: true, remaining: 2, retryAfterMs: 0 });
    const allowed = [];
    for (let i = 0; i < 4; i++) allowed.push((await limiter.consume(key)).allowed);
    expect(allowed).toEqual([true, true, false, false]);
  });

  it('peek does not consume', async () => {
    const limiter = create({ points: 2, durationSec: 60 });
    const key = uniqueKey();
    expect(await limiter.peek(key)).toEqual({ allowed: true, remaining: 2, retryAfterMs: 0 });
    await limiter.consume(key);
    expect(await limiter.peek(key)).toEqual({ allowed: true, remaining: 1, retryAfterMs: 0 });
    expect(await limiter.peek(key)).toEqual({ allowed: true, remaining: 1, retryAfterMs: 0 });
    await limiter.consume(key);
    const exhausted = await limiter.peek(key);
    expect(exhausted.allowed).toBe(false);
    expect(exhausted.remaining).toBe(0);
    expect(exhausted.retryAfterMs).toBeGreaterThan(0);
  });

  it('reset restores the full budget', async () => {
    const limiter = create({ points: 1, durationSec: 60 });
    const key = uniqueKey();
    await limiter.consume(key);
    expect((await limiter.consume(key)).allowed).toBe(false);
    await limiter.reset(key);
    expect(await limiter.consume(key)).toEqual({ allowed: true, remaining: 0, retryAfterMs: 0 });
  });

  it('separate keys have separate budgets', async () => {
    const limiter = create({ points: 1, durationSec: 60 });
    const [a, b] = [uniqueKey(), uniqueKey()];
    expect((await limiter.consume(a)).allowed).toBe(true);
    expect((await limiter.consume(a)).allowed).toBe(false);
    expect((await limiter.consume(b)).allowed).toBe(true);
  });

  it('separate limiter names have separate budgets for the same key', async () => {
    const rule = { points: 1, durationSec: 60 };
    const [first, second] = [create(rule), create(rule)];
    const key = uniqueKey();
    expect((await first.consume(key)).allowed).toBe(true);
    expect((await first.consume(key)).allowed).toBe(false);
    expect((await second.consume(key)).allowed).toBe(true);
  });

  it('creating the same name twice shares one budget; a different rule is refused', async () => {
    const name = uniqueName();
    const rule = { points: 1, durationSec: 60 };
    const key = uniqueKey();
    expect((await harness.factory.create(name, rule).consume(key)).allowed).toBe(true);
    expect((await harness.factory.create(name, { ...rule }).consume(key)).allowed).toBe(false);
    expect(() => harness.factory.create(name, { points: 2, durationSec: 60 })).toThrow(/different rule/);
  });

  it('keys longer than the store column still get their own budget', async () => {
    const limiter = create({ points: 1, durationSec: 60 });
    const long = `${'x'.repeat(300)}@example.com`;
    const other = `${'x'.repeat(301)}@example.com`;
    expect((await limiter.consume(long)).allowed).toBe(true);
    expect((await limiter.consume(long)).allowed).toBe(false);
    expect((await limiter.consume(other)).allowed).toBe(true);
  });

  it('a disabled rule always allows', async () => {
    for (const points of [0, -1]) {
      const limiter = create({ points, durationSec: 60 });
      const key = uniqueKey();
      for (let i = 0; i < 20; i++) {
        expect(await limiter.consume(key)).toEqual({ allowed: true, remaining: Infinity, retryAfterMs: 0 });
      }
      await limiter.reward(key);
      await limiter.reset(key);
      expect(await limiter.peek(key)).toEqual({ allowed: true, remaining: Infinity, retryAfterMs: 0 });
    }
  });

  it('invalid names, rules and point counts are rejected', async () => {
    expect(() => harness.factory.create('Bad-Name', { points: 1, durationSec: 60 })).toThrow(RangeError);
    expect(() => create({ points: 1.5, durationSec: 60 })).toThrow(RangeError);
    expect(() => create({ points: 1, durationSec: 0 })).toThrow(RangeError);
    const limiter = create({ points: 3, durationSec: 60 });
    await expect(limiter.consume(uniqueKey(), 0)).rejects.toThrow(RangeError);
    await expect(limiter.reward(uniqueKey(), -1)).rejects.toThrow(RangeError);
  });

  it('the window resets after durationSec', async () => {
    const limiter = create({ points: 2, durationSec: 1 });
    const key = uniqueKey();
    await limiter.consume(key);
    await limiter.consume(key);
    const refused = await limiter.consume(key);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(1_000);
    await sleep(1_100);
    expect(await limiter.consume(key)).toEqual({ allowed: true, remaining: 1, retryAfterMs: 0 });
  });

  it('parallel consumes never over-admit', async () => {
    const limiter = create({ points: 10, durationSec: 60 });
    const key = uniqueKey();
    const results = await Promise.all(Array.from({ length: 50 }, () => limiter.consume(key)));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    expect(results.filter((r) => !r.allowed).every((r) => r.retryAfterMs > 0)).toBe(true);
  });

  it('a store failure is thrown, not reported as over the limit', async (ctx) => {
    if (!harness.broken) {
      ctx.skip('the memory store cannot fail');
      return;
    }
    const { limiter, breakStore, dispose } = await harness.broken({ points: 5, durationSec: 60 });
    try {
      await breakStore();
      await expect(limiter.consume(uniqueKey())).rejects.toBeInstanceOf(Error);
      await expect(limiter.peek(uniqueKey())).rejects.toBeInstanceOf(Error);
    } finally {
      await dispose();
    }
  });

  describe('sliding window', () => slidingWindowContract(() => harness.factory));
}

// Rows are [label, case] so the title uses %s: vitest truncates $label interpolation at
// 40 characters, which would cut the skip reason off.
const rows = (cases: StoreCase[]): [string, StoreCase][] => cases.map((c) => [c.label, c]);
describe.each(rows(enabled))('limiter contract: %s', (_label, store) => contract(store));
if (skipped.length > 0) {
  describe.skip.each(rows(skipped))('limiter contract: %s', (_label, store) => contract(store));
}
