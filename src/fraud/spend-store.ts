import { sql, type Transaction } from 'kysely';
import type { DatabaseHandle } from '../db/database.js';
import type { Database } from '../db/schema.js';

/** One period's counter as a send adds to it. */
export interface SpendRow {
  period: string;
  endsAt: number;
  /** null: the period has no cap, it is only counted. */
  capMicros: number | null;
}

/** SQL of spend caps: an account's fraud settings, and its spend per period. */
export class SpendStore {
  constructor(private readonly handle: DatabaseHandle) {}

  async settings(accountId: string): Promise<Record<string, unknown>> {
    const row = await this.handle.db.selectFrom('fraud_settings').select('settings').where('account_id', '=', accountId).executeTakeFirst();
    return row ? (JSON.parse(row.settings) as Record<string, unknown>) : {};
  }

  async putSettings(accountId: string, settings: Record<string, unknown>, now: number): Promise<void> {
    const json = JSON.stringify(settings);
    await this.handle.write((trx) =>
      trx
        .insertInto('fraud_settings')
        .values({ account_id: accountId, settings: json, updated_at: now })
        .onConflict((oc) => oc.column('account_id').doUpdateSet({ settings: json, updated_at: now }))
        .execute(),
    );
  }

  /**
   * Adds `micros` to each period's counter in one statement, each held to its own cap. The periods
   * it returns took the send, with what they hold now; a period missing from the answer would have
   * gone over its cap and was left as it was.
   */
  async add(trx: Transaction<Database>, accountId: string, rows: readonly SpendRow[], micros: number): Promise<Map<string, number>> {
    const added = await trx
      .insertInto('spend_counters')
      .values(rows.map((r) => ({ account_id: accountId, period: r.period, spent_micros: micros, ends_at: r.endsAt, cap_micros: r.capMicros })))
      .onConflict((oc) =>
        oc
          .columns(['account_id', 'period'])
          .doUpdateSet({ spent_micros: sql`spend_counters.spent_micros + excluded.spent_micros`, cap_micros: sql`excluded.cap_micros` })
          .where((eb) => eb.or([eb(sql.ref('excluded.cap_micros'), 'is', null), eb(sql`spend_counters.spent_micros + excluded.spent_micros`, '<=', sql.ref('excluded.cap_micros'))])),
      )
      .returning(['period', 'spent_micros'])
      .execute();
    return new Map(added.map((r) => [r.period, Number(r.spent_micros)]));
  }

  async counters(accountId: string, periods: readonly string[]): Promise<Map<string, number>> {
    if (periods.length === 0) return new Map();
    const rows = await this.handle.db.selectFrom('spend_counters').select(['period', 'spent_micros']).where('account_id', '=', accountId).where('period', 'in', periods).execute();
    return new Map(rows.map((r) => [r.period, Number(r.spent_micros)]));
  }

  /** Today's per-country counters of an account (`c:<country>:<day start>`). */
  async countriesOn(accountId: string, dayStart: number): Promise<Array<{ country: string; spent: number }>> {
    const rows = await this.handle.db.selectFrom('spend_counters').select(['period', 'spent_micros']).where('account_id', '=', accountId).where('period', 'like', `c:%:${dayStart}`).execute();
    return rows.map((r) => ({ country: r.period.slice(2, 4), spent: Number(r.spent_micros) }));
  }

  /** Drops counters of periods that ended before `before`. */
  async sweep(before: number): Promise<void> {
    await this.handle.write((trx) => trx.deleteFrom('spend_counters').where('ends_at', '<', before).execute());
  }
}
