import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { checkPoints, giveBack, refused, storeKey } from './adapter.js';
import type { BackendSource } from './adapter.js';
import type { LimitResult, LimitRule, Limiter } from './limiter.js';

/**
 * The counters never refuse on their own: the budget is checked here, against the estimate.
 * rate-limiter-flexible only compares against this number; no store keeps it.
 */
export const COUNTER_POINTS = Number.MAX_SAFE_INTEGER;

/**
 * A window's counter must outlive the window after it, where it is read as the previous one.
 * It expires 2 × durationSec after its first count, which falls inside its own window.
 */
export const counterBudget = (rule: LimitRule) => ({ points: COUNTER_POINTS, durationSec: 2 * rule.durationSec });

/**
 * A sliding window over fixed counters: each window of the rule's duration D has its own counter
 * (key + window index), and the count over the last D is estimated as
 *
 *   previous × (D − elapsed in current) / D + current
 *
 * so the previous window's count fades out as the current one ages instead of vanishing at once.
 * Only two numbers per key are kept, in any store rate-limiter-flexible supports.
 *
 * A consume first adds its points to the current counter (an atomic increment in every store)
 * and then decides from the count that increment returned, so a racing consume is either in
 * that count or sees ours in its own: two consumes are both allowed only if both fit. A refused
 * consume takes its points back, so refusals never lengthen the wait; until it does, a racing
 * consume may be refused that would have fit (a refusal too many, never an admission).
 *
 * What it can let through beyond an exact log of every start:
 * - The estimate treats the previous window as evenly spread. A burst late in it weighs less
 *   than it would in an exact count: after a full burst at a window's end, the next window
 *   admits its decayed share (points × elapsed / D), up to 2 × points over that span of D in
 *   the worst case, against 2 × points at one instant for a fixed window.
 * - A consume that read the clock just before a window boundary can land its count in the old
 *   window after another consume already read that window as the previous one; the latter does
 *   not see it. The excess is at most the points of consumes in flight across the boundary.
 * - Instances place window boundaries by their own clocks; a skew of s ms between them can
 *   admit about points × s / D more. Keep them on NTP.
 * No count is lost: every admitted point is in a counter before its consume returns.
 *
 * The counters live under the limiter's name like a fixed rule's keys, as `key:window index`,
 * so switching a rule between fixed and sliding starts it from empty counters.
 */
export function slidingWindow(rule: LimitRule, counters: BackendSource): Limiter {
  const windowMs = rule.durationSec * 1000;
  const budget = rule.points * windowMs;

  // Everything below is scaled by windowMs so it stays in integers: `0.7 × 10 + 3 ≤ 10` must
  // not fail on a floating-point rounding.
  const position = (now: number) => {
    const index = Math.floor(now / windowMs);
    return { index, left: (index + 1) * windowMs - now };
  };
  const scaled = (previous: number, current: number, left: number) => previous * left + current * windowMs;
  const remaining = (s: number) => Math.min(Math.max(Math.floor((budget - s) / windowMs), 0), rule.points);
  const counterKey = (key: string, index: number) => `${storeKey(key)}:${index}`;

  async function countOf(counter: RateLimiterAbstract, key: string): Promise<number> {
    const res = await counter.get(key);
    return res === null ? 0 : Math.max(res.consumedPoints, 0);
  }

  /**
   * Milliseconds until a `need`-point consume fits, if nothing else is consumed meanwhile:
   * while the current window alone leaves room, until the previous one's weighted share has
   * faded enough; otherwise the current window must end and fade in turn.
   */
  function waitMs(previous: number, current: number, left: number, need: number): number {
    const room = rule.points - current - need;
    if (room >= 0) return previous > 0 ? left - (room * windowMs) / previous : 0;
    return left + windowMs - ((rule.points - need) * windowMs) / current;
  }

  return {
    async consume(key, points = 1) {
      checkPoints(points);
      const counter = await counters();
      const { index, left } = position(Date.now());
      const currentKey = counterKey(key, index);
      const [previous, counted] = await Promise.all([countOf(counter, counterKey(key, index - 1)), counter.consume(currentKey, points)]);
      const estimate = scaled(previous, counted.consumedPoints, left);
      if (estimate <= budget) return { allowed: true, remaining: remaining(estimate), retryAfterMs: 0 };
      await giveBack(counter, currentKey, points);
      return refused(waitMs(previous, counted.consumedPoints - points, left, Math.min(points, rule.points)));
    },

    async reward(key, points = 1) {
      checkPoints(points);
      const counter = await counters();
      const { index } = position(Date.now());
      // Points consumed before the boundary are in the previous counter: what the current one
      // cannot give back comes from there.
      const short = await giveBack(counter, counterKey(key, index), points);
      if (short > 0) await giveBack(counter, counterKey(key, index - 1), short);
    },

    async peek(key): Promise<LimitResult> {
      const counter = await counters();
      const { index, left } = position(Date.now());
      const [previous, current] = await Promise.all([countOf(counter, counterKey(key, index - 1)), countOf(counter, counterKey(key, index))]);
      const free = remaining(scaled(previous, current, left));
      return free > 0 ? { allowed: true, remaining: free, retryAfterMs: 0 } : refused(waitMs(previous, current, left, 1));
    },

    async reset(key) {
      const counter = await counters();
      const { index } = position(Date.now());
      await Promise.all([counter.delete(counterKey(key, index - 1)), counter.delete(counterKey(key, index))]);
    },
  };
}
