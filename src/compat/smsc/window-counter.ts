/**
 * Counts hits per key over a sliding window, in this process's memory: SMSC's anti-loop guard
 * ("no more than fifty identical requests within a minute"). Refused hits count too, so a
 * client stuck in a loop stays refused until it pauses for a whole window, as SMSC intends.
 * Each key keeps at most `limit + 1` times and the map at most `maxKeys` keys.
 */
export class WindowCounter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    /** Hits allowed per window; 0 allows everything. */
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys = 100_000,
  ) {}

  /** Records a hit at `now`; false when it is past the limit for its window. */
  hit(key: string, now: number): boolean {
    if (this.limit <= 0) return true;
    const since = now - this.windowMs;
    const times = (this.hits.get(key) ?? []).filter((t) => t > since);
    times.push(now);
    if (times.length > this.limit + 1) times.splice(0, times.length - this.limit - 1);
    // Re-inserted, so the map's order is least recently hit first.
    this.hits.delete(key);
    this.hits.set(key, times);
    if (this.hits.size > this.maxKeys) this.sweep(since);
    return times.length <= this.limit;
  }

  private sweep(since: number): void {
    for (const [key, times] of this.hits) if ((times[times.length - 1] ?? 0) <= since) this.hits.delete(key);
    for (const key of this.hits.keys()) {
      if (this.hits.size <= this.maxKeys) break;
      this.hits.delete(key);
    }
  }
}
