import type { AccountTable } from '../db/schema.js';

/** Amounts are kept in millionths of the account's currency. */
export const MICROS = 1_000_000;

/** An account as the API and the command line show it: money in the currency's units, times as ISO 8601. */
export function accountView(a: AccountTable) {
  return { id: a.id, name: a.name, balance: a.balance_micros / MICROS, currency: a.currency, postpaid: a.postpaid === 1, created_at: new Date(a.created_at).toISOString() };
}
