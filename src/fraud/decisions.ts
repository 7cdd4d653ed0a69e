import type { Transaction } from 'kysely';
import type { DatabaseHandle } from '../db/database.js';
import type { Database, FraudDecisionTable } from '../db/schema.js';
import type { Static } from 'typebox';
import { encodeCursor, type PageCursor } from '../lib/page-cursor.js';
import type { DecisionView } from './schemas.js';

/** Decisions an account's list shows at most per page, and by default. */
export const DECISIONS_PAGE_MAX = 200;
const DECISIONS_PAGE_DEFAULT = 50;

export interface DecisionFilters {
  outcome?: string | undefined;
  reason?: string | undefined;
  country?: string | undefined;
  /** Decisions about this prefix or a narrower one. */
  prefix?: string | undefined;
  serviceId?: string | undefined;
  verificationId?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
}

export function decisionView(r: FraudDecisionTable): Static<typeof DecisionView> {
  return {
    id: r.id,
    created_at: new Date(Number(r.created_at)).toISOString(),
    action: r.action as 'start' | 'resend',
    outcome: r.outcome as 'refused' | 'shadow_refused',
    reason: r.reason,
    mode: r.mode as Static<typeof DecisionView>['mode'],
    score: r.score,
    threshold: r.threshold,
    channel: r.channel,
    country: r.country,
    prefix: r.prefix,
    service_id: r.service_id,
    verification_id: r.verification_id,
    block_id: r.block_id,
    signals: JSON.parse(r.signals) as Static<typeof DecisionView>['signals'],
  };
}

/**
 * The pumping rules' decisions that refused a start or a resend, or would have in shadow mode,
 * each with its score and every signal's points and measure. A decision that let a start through
 * is on that verification's timeline instead. Written in the transaction of what it refused (the
 * blocked verification) or let through (in shadow mode).
 */
export class DecisionLog {
  constructor(private readonly handle: DatabaseHandle) {}

  async record(trx: Transaction<Database>, row: FraudDecisionTable): Promise<void> {
    await trx.insertInto('fraud_decisions').values(row).execute();
  }

  async list(accountId: string, f: DecisionFilters, limit: number | undefined, cursor: PageCursor | undefined) {
    let q = this.handle.db.selectFrom('fraud_decisions').selectAll().where('account_id', '=', accountId);
    if (f.outcome) q = q.where('outcome', '=', f.outcome);
    if (f.reason) q = q.where('reason', '=', f.reason);
    if (f.country) q = q.where('country', '=', f.country);
    // The schema lets a prefix be only `+` and digits: nothing in it is a LIKE wildcard.
    if (f.prefix) q = q.where('prefix', 'like', `${f.prefix}%`);
    if (f.serviceId) q = q.where('service_id', '=', f.serviceId);
    if (f.verificationId) q = q.where('verification_id', '=', f.verificationId);
    if (f.from !== undefined) q = q.where('created_at', '>=', f.from);
    if (f.to !== undefined) q = q.where('created_at', '<', f.to);
    // A row value, so the (account_id, created_at, id) index is sought to the cursor.
    if (cursor) q = q.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(cursor.createdAt, cursor.id)));
    const size = Math.min(limit ?? DECISIONS_PAGE_DEFAULT, DECISIONS_PAGE_MAX);
    const rows = await q
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(size + 1)
      .execute();
    const page = rows.slice(0, size);
    const last = page[page.length - 1];
    return { decisions: page.map(decisionView), next_cursor: rows.length > size && last ? encodeCursor({ created_at: Number(last.created_at), id: last.id }) : null };
  }

  /** Decisions older than `before` go (the retention of verifications). */
  async sweep(before: number): Promise<void> {
    await this.handle.write((trx) => trx.deleteFrom('fraud_decisions').where('created_at', '<', before).execute());
  }
}
