import { createHash } from 'node:crypto';
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { LimitResult, LimitRule, Limiter } from './limiter.js';

/**
 * What each store module provides: its rate-limiter-flexible instance counting `points` per
 * `durationSec` under `name`, opened once per name. index.ts picks the window kind over it and
 * adds validation, caching and disabled rules.
 */
export interface StoreBackend {
  open(name: string, budget: { points: number; durationSec: number }): BackendSource;
  close(): Promise<void>;
}

/** Resolves to a rate-limiter-flexible instance once its store is usable (e.g. table created). */
export type BackendSource = () => Promise<RateLimiterAbstract>;

// How often the SQL stores delete expired rows. The library has its own timer for this, but
// it cannot be stopped through the public API and keeps firing after the connection closes.
export const SWEEP_INTERVAL_MS = 5 * 60_000;

// PostgreSQL keeps keys in varchar(255). A long caller-supplied key (a 254-character e-mail
// address, say) must not turn into a database error, so long keys are hashed; every store
// does the same so they stay interchangeable.
const MAX_RAW_KEY_LENGTH = 128;

export function storeKey(key: string): string {
  if (key.length <= MAX_RAW_KEY_LENGTH) return key;
  return `sha256:${createHash('sha256').update(key).digest('hex')}`;
}

export function checkPoints(points: number): void {
  if (!Number.isInteger(points) || points <= 0) {
    throw new RangeError(`points must be a positive integer, got ${points}`);
  }
}

export function disabledLimiter(): Limiter {
  const always = async (): Promise<LimitResult> => ({ allowed: true, remaining: Infinity, retryAfterMs: 0 });
  return { consume: always, peek: always, reward: async () => {}, reset: async () => {} };
}

/**
 * Calls `make` now, so a store's setup (table creation) is usually done before the first
 * request, and caches its result. A failed setup is forgotten so the next call retries it
 * instead of failing forever after one transient error.
 */
export function eagerRetrying<T>(make: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  const get = (): Promise<T> =>
    (pending ??= make().catch((err: unknown) => {
      pending = undefined;
      throw err;
    }));
  // Only keeps an early failure from being an unhandled rejection; callers see it on retry.
  get().catch(() => {});
  return get;
}

export function refused(msBeforeNext: number): LimitResult {
  // A refusal always asks the caller to wait, even when the window ends this very millisecond.
  return { allowed: false, remaining: 0, retryAfterMs: Math.max(Math.ceil(msBeforeNext), 1) };
}

/**
 * Gives `points` back to `key` without taking it below zero; returns the points it could not
 * give back. Rewarding a key whose window expired (or never existed) opens a new window below
 * zero, which would grant more than the rule's points. The overshoot is added back with an
 * atomic increment rather than a delete, so consumes racing with this reward are not lost;
 * capping it at our own `points` keeps two racing rewards from both correcting the same overshoot.
 */
export async function giveBack(limiter: RateLimiterAbstract, key: string, points: number): Promise<number> {
  const res = await limiter.reward(key, points);
  if (res.consumedPoints >= 0) return 0;
  const over = Math.min(points, -res.consumedPoints);
  await limiter.penalty(key, over);
  return over;
}

/** A fixed window: rate-limiter-flexible's own counting, `rule.points` per window. */
export function adaptRateLimiter(rule: LimitRule, backend: BackendSource): Limiter {
  return {
    async consume(key, points = 1) {
      checkPoints(points);
      const limiter = await backend();
      try {
        const res = await limiter.consume(storeKey(key), points);
        return { allowed: true, remaining: Math.min(res.remainingPoints, rule.points), retryAfterMs: 0 };
      } catch (err) {
        // rate-limiter-flexible rejects with a RateLimiterRes for "over the limit" and with the
        // store's own error for everything else; only the former is a normal outcome.
        if (err instanceof RateLimiterRes) return refused(err.msBeforeNext);
        throw err;
      }
    },

    async reward(key, points = 1) {
      checkPoints(points);
      await giveBack(await backend(), storeKey(key), points);
    },

    async peek(key) {
      const limiter = await backend();
      const res = await limiter.get(storeKey(key));
      // The memory store can briefly return a record whose window already ended.
      if (res === null || res.msBeforeNext <= 0) {
        return { allowed: true, remaining: rule.points, retryAfterMs: 0 };
      }
      const remaining = Math.min(Math.max(rule.points - res.consumedPoints, 0), rule.points);
      return remaining > 0 ? { allowed: true, remaining, retryAfterMs: 0 } : refused(res.msBeforeNext);
    },

    async reset(key) {
      const limiter = await backend();
      await limiter.delete(storeKey(key));
    },
  };
}
