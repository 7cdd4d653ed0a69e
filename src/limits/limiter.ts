import type { Pool } from 'pg';
import type { Redis } from 'ioredis';

/**
 * `fixed`: the count resets when each window of durationSec ends. `sliding`: the count over the
 * last durationSec is estimated from the current and previous windows (sliding-window.ts), so
 * a budget neither doubles across a window boundary nor refuses everyone until the window ends.
 */
export type LimitWindow = 'fixed' | 'sliding';

export interface LimitRule {
  points: number;
  durationSec: number;
  window?: LimitWindow; // default 'fixed'
} // points <= 0 means the limit is disabled (always allowed)

export interface LimitResult {
  allowed: boolean;
  remaining: number;
  retryAfterMs: number;
}

export interface Limiter {
  consume(key: string, points?: number): Promise<LimitResult>; // never throws for "over the limit": returns allowed:false with retryAfterMs
  reward(key: string, points?: number): Promise<void>; // give points back (a correct guess refunds its charge)
  peek(key: string): Promise<LimitResult>; // read without consuming; allowed = a 1-point consume would pass now
  reset(key: string): Promise<void>;
}

export interface LimiterFactory {
  create(name: string, rule: LimitRule): Limiter; // name becomes the key prefix / table namespace, e.g. 'send_dest', 'guess_dest', 'ip', 'account'
  close(): Promise<void>; // closes only what the factory itself opened
}

export type LimiterStore =
  | { kind: 'memory' }
  | { kind: 'sqlite'; path: string } // its OWN database file (or ':memory:'), opened by the factory with WAL + synchronous=NORMAL
  | { kind: 'postgres'; pool: Pool } // shared pool owned by the caller
  | { kind: 'redis'; client: Redis }; // shared client owned by the caller
