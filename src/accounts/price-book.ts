import type { Kysely, Transaction } from 'kysely';
import type { AccountStore } from './account-store.js';
import type { Database, PriceTable } from '../db/schema.js';
import type { Clock } from '../lib/clock.js';

const CACHE_MS = 10_000;

/**
 * Prices per account, channel and country prefix (longest prefix wins). Lists are cached for a
 * few seconds because every billable send needs one; a change made on this instance is seen at
 * once, on other instances within the cache time.
 */
export class PriceBook {
  private readonly cache = new Map<string, { rows: PriceTable[]; until: number }>();

  constructor(
    private readonly store: AccountStore,
    private readonly clock: Clock,
  ) {}

  /** The price of a send: at once when this instance holds the account's list, else once it is read. */
  priceMicros(accountId: string, channel: string, to: string): number | Promise<number> {
    const hit = this.cache.get(accountId);
    if (hit && hit.until > this.clock.now()) return priceIn(hit.rows, channel, to);
    return this.load(accountId).then((rows) => priceIn(rows, channel, to));
  }

  /**
   * Charges a send to the account's balance, in the transaction that writes the message; false when
   * a prepaid balance is short.
   */
  debit(trx: Kysely<Database> | Transaction<Database>, accountId: string, micros: number): Promise<boolean> {
    return this.store.debit(trx, accountId, micros);
  }

  invalidate(accountId: string): void {
    this.cache.delete(accountId);
  }

  private async load(accountId: string): Promise<PriceTable[]> {
    const rows = await this.store.listPrices(accountId);
    this.cache.set(accountId, { rows, until: this.clock.now() + CACHE_MS });
    return rows;
  }
}

/** The longest prefix's price for `to` (E.164) on `channel`; 0 when none. */
function priceIn(rows: readonly PriceTable[], channel: string, to: string): number {
  const digits = to.startsWith('+') ? to.slice(1) : '';
  let best: PriceTable | undefined;
  for (const r of rows) {
    if (r.channel !== channel || !digits.startsWith(r.prefix)) continue;
    if (!best || r.prefix.length > best.prefix.length) best = r;
  }
  return best?.price_micros ?? 0;
}
