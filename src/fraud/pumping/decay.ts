/**
 * A count that fades: each event adds one, and the total halves every `halfLifeMs`. Its value
 * over `halfLifeMs / ln 2` is the recent rate, so two of them with different half-lives compare
 * the last minutes with the last hours in a few bytes and no timers.
 */
export class Decay {
  private v = 0;
  private t = 0;

  constructor(readonly halfLifeMs: number) {}

  add(n: number, now: number): void {
    this.v = this.value(now) + n;
    this.t = Math.max(this.t, now);
  }

  value(now: number): number {
    if (this.v === 0) return 0;
    const dt = now - this.t;
    return dt <= 0 ? this.v : this.v * 2 ** (-dt / this.halfLifeMs);
  }

  /** Events per minute lately (for events at a steady rate, the value settles at rate × halfLife / ln 2). */
  perMinute(now: number): number {
    return (this.value(now) * Math.LN2 * 60_000) / this.halfLifeMs;
  }
}
