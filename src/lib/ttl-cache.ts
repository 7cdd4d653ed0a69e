/**
 * Values read from a slower source (the database), kept per key for `ttlMs`, so a hot path reads
 * them from memory and another instance's change is seen within `ttlMs`. At most `max` keys: past
 * it they are all dropped, each being at most `ttlMs` from stale anyway.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; at: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
    private readonly now: () => number,
  ) {}

  /** The value: at once when this instance holds a fresh one (a hot path then waits on no promise), else from `load`. */
  get(key: string, load: () => Promise<V>): V | Promise<V> {
    const now = this.now();
    const hit = this.entries.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    return load().then((value) => {
      if (this.entries.size >= this.max) this.entries.clear();
      this.entries.set(key, { value, at: now });
      return value;
    });
  }

  /** Forgets a key, so the next read loads it (after a change on this instance). */
  delete(key: string): void {
    this.entries.delete(key);
  }
}
