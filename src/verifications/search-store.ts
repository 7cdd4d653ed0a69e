import { type ExpressionBuilder, sql } from 'kysely';
import type { DatabaseHandle } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { PageCursor } from '../lib/page-cursor.js';
import type { VerificationStatus } from './view.js';
import type { VerificationRow } from './verification-store.js';

/** What a list of verifications may be narrowed by; every field is optional and they all hold at once. */
export interface VerificationFilters {
  /** The status a reader sees: a pending verification past its expiry counts as expired. */
  status?: VerificationStatus | undefined;
  channel?: string | undefined;
  serviceId?: string | undefined;
  country?: string | undefined;
  /** The destination as stored (E.164, a lower-cased address, or its pseudonym): any of these. */
  to?: readonly string[] | undefined;
  /** Created at or after (epoch ms). */
  createdFrom?: number | undefined;
  /** Created before (epoch ms). */
  createdTo?: number | undefined;
  /** Flat metadata: each key's value, as text (numbers as written, booleans as true / false). */
  metadata?: ReadonlyArray<readonly [string, string]> | undefined;
}

export interface VerificationPage {
  limit: number;
  cursor?: PageCursor | undefined;
  order: 'desc' | 'asc';
}

type Eb = ExpressionBuilder<Database, 'verifications'>;

/**
 * SQL for reading verifications in bulk: an account's list, newest (or oldest) first, narrowed by
 * filters, one page at a time after a cursor (creation time, then id). A page never repeats or
 * skips a row that existed when the first page was read, however many are inserted meanwhile.
 */
export class VerificationSearchStore {
  constructor(private readonly handle: DatabaseHandle) {}

  list(accountId: string, f: VerificationFilters, page: VerificationPage, now: number): Promise<VerificationRow[]> {
    let q = this.handle.db.selectFrom('verifications').selectAll().where('account_id', '=', accountId);
    if (f.status === 'pending') q = q.where('status', '=', 'pending').where('expires_at', '>', now);
    else if (f.status === 'expired') q = q.where((eb) => eb.or([eb('status', '=', 'expired'), eb.and([eb('status', '=', 'pending'), eb('expires_at', '<=', now)])]));
    else if (f.status) q = q.where('status', '=', f.status);
    if (f.channel) q = q.where('channel', '=', f.channel);
    if (f.serviceId) q = q.where('service_id', '=', f.serviceId);
    if (f.country) q = q.where('country', '=', f.country);
    if (f.to) q = q.where('to', 'in', f.to);
    if (f.createdFrom !== undefined) q = q.where('created_at', '>=', f.createdFrom);
    if (f.createdTo !== undefined) q = q.where('created_at', '<', f.createdTo);
    for (const [key, value] of f.metadata ?? []) q = q.where((eb) => this.metadataEquals(eb, key, value));
    const c = page.cursor;
    const after = page.order === 'desc' ? '<' : '>';
    // A row-value comparison, which both databases answer by seeking the (account_id, created_at,
    // id) index to the cursor; the same condition spelled with OR makes them scan from the top.
    if (c) q = q.where((eb) => eb(eb.refTuple('created_at', 'id'), after, eb.tuple(c.createdAt, c.id)));
    return q.orderBy('created_at', page.order).orderBy('id', page.order).limit(page.limit).execute();
  }

  /** One metadata key's value as text, the same on both databases; the key is bound, never spliced. */
  private metadataEquals(eb: Eb, key: string, value: string) {
    if (this.handle.dialect === 'postgres') {
      // ->> gives strings bare, numbers as written and booleans as true / false.
      return eb(sql<string>`(${eb.ref('metadata')})::jsonb ->> ${key}`, '=', value);
    }
    const path = `$."${key}"`;
    return eb(
      sql<string>`case json_type(${eb.ref('metadata')}, ${path}) when 'true' then 'true' when 'false' then 'false' else cast(json_extract(${eb.ref('metadata')}, ${path}) as text) end`,
      '=',
      value,
    );
  }
}
