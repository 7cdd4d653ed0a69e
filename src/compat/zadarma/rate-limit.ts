import type { Clock } from '../../lib/clock.js';

export interface WindowState {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window starts again. */
  resetS: number;
}

const WINDOW_MS = 60_000;
// Past this many keys the windows that have ended are dropped; only authenticated keys get here.
const SWEEP_AT = 10_000;

/**
 * Zadarma's per-key budget (requests per minute) in fixed one-minute windows on the injected
 * clock. Kept in this process: the keys are few and the budget is a courtesy limit, not a
 * security boundary (Verity's own start and guess limits still apply behind it).
 */
export class KeyRateLimit {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly clock: Clock,
  ) {}

  take(key: string): WindowState {
    const now = this.clock.now();
    if (this.perMinute <= 0) return { allowed: true, limit: 0, remaining: 0, resetS: 0 };
    if (this.windows.size > SWEEP_AT) for (const [k, w] of this.windows) if (now - w.start >= WINDOW_MS) this.windows.delete(k);
    let w = this.windows.get(key);
    if (!w || now - w.start >= WINDOW_MS || now < w.start) {
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    const allowed = w.count < this.perMinute;
    if (allowed) w.count += 1;
    return { allowed, limit: this.perMinute, remaining: this.perMinute - w.count, resetS: Math.max(1, Math.ceil((w.start + WINDOW_MS - now) / 1000)) };
  }
}
