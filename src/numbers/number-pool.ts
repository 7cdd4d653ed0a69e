import { systemClock, type Clock } from '../lib/clock.js';
import type { NumberStore } from './number-store.js';
import { PURPOSES, type NumberPurpose, type PoolEntry } from './pool-entry.js';

export interface PoolOptions {
  clock?: Clock;
  /** How long an account's entries are reused before they are read again; default 5 s. */
  cacheTtlMs?: number;
}

const MAX_CACHED = 10_000;

/**
 * Chooses the number a verification uses: the account's own pool for the purpose when it has one,
 * else the server's. Picking runs on every reverse or flash call started, so an account's entries
 * (often none) are read once every few seconds; another server process sees a change after that.
 */
export class NumberPool {
  private readonly cache = new Map<string, { until: number; entries: Promise<PoolEntry[]> }>();
  private readonly clock: Clock;
  private readonly ttlMs: number;

  constructor(
    private readonly store: NumberStore,
    private readonly serverEntries: readonly PoolEntry[],
    private readonly random: () => number = Math.random,
    opts: PoolOptions = {},
  ) {
    this.clock = opts.clock ?? systemClock;
    this.ttlMs = opts.cacheTtlMs ?? 5000;
  }

  /**
   * A number for `destination`, or undefined when the pool has none for it. Among the entries in
   * use, those of the destination's country are preferred, else those serving any country ('*');
   * an account's own pool replaces the server's entirely, so a number it has not chosen is never used.
   */
  async pick(accountId: string, purpose: NumberPurpose, destination: { to: string; country: string | null }): Promise<string | undefined> {
    const own = await this.accountEntries(accountId, purpose);
    const entries = own.length ? own : this.server(purpose);
    // A phone cannot call itself, nor be flash-called from its own number.
    const usable = entries.filter((e) => e.number !== destination.to);
    const local = destination.country ? usable.filter((e) => e.country === destination.country) : [];
    const candidates = local.length ? local : usable.filter((e) => e.country === '*');
    if (!candidates.length) return undefined;
    const i = Math.min(candidates.length - 1, Math.floor(this.random() * candidates.length));
    return candidates[i]?.number;
  }

  /** The server's configured entries (for one purpose, or all). */
  server(purpose?: NumberPurpose): PoolEntry[] {
    return this.serverEntries.filter((e) => !purpose || e.purpose === purpose);
  }

  /** Forgets an account's cached entries; the API calls it after changing them. */
  invalidate(accountId: string): void {
    for (const purpose of PURPOSES) this.cache.delete(key(accountId, purpose));
  }

  private accountEntries(accountId: string, purpose: NumberPurpose): Promise<PoolEntry[]> {
    const k = key(accountId, purpose);
    const now = this.clock.now();
    const hit = this.cache.get(k);
    if (hit && hit.until > now) return hit.entries;
    // The promise is kept, not its result, so concurrent picks share one read.
    const entries = this.store.forAccount(accountId, purpose);
    const slot = { until: now + this.ttlMs, entries };
    this.cache.delete(k);
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(k, slot);
    entries.catch(() => {
      if (this.cache.get(k) === slot) this.cache.delete(k);
    });
    return entries;
  }
}

const key = (accountId: string, purpose: NumberPurpose): string => `${purpose}\n${accountId}`;
