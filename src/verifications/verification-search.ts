import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { AppError } from '../errors/index.js';
import { queryInstant } from '../http/query-time.js';
import { accountOf, type Principal } from '../http/types.js';
import type { Clock } from '../lib/clock.js';
import { decodeCursor, encodeCursor, type PageCursor } from '../lib/page-cursor.js';
import { csvHeader, csvRow } from './csv.js';
import type { Pseudonyms } from './pseudonym.js';
import type { VerificationFilters, VerificationSearchStore } from './search-store.js';
import { toView, type VerificationStatus, type VerificationView } from './view.js';

export interface ListQuery {
  account?: string | undefined;
  status?: VerificationStatus | undefined;
  channel?: string | undefined;
  service?: string | undefined;
  country?: string | undefined;
  to?: string | undefined;
  created_from?: string | undefined;
  created_to?: string | undefined;
  metadata?: ReadonlyArray<readonly [string, string]> | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
  order?: 'desc' | 'asc' | undefined;
}

export interface ListResult {
  verifications: VerificationView[];
  /** Pass it back as `cursor` for the next page; null on the last one. */
  next_cursor: string | null;
}

export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 200;
/** Rows an export reads per query. */
export const EXPORT_PAGE = 1000;

/**
 * A destination as a person would paste it, in the form starts store it: an email address lower-cased,
 * a phone number in E.164 whatever its spaces, dashes, dots and parentheses, with or without its `+`.
 */
export function normalizeDestination(raw: string): string {
  const text = raw.trim();
  if (text.includes('@')) return text.toLowerCase();
  const digits = text.replace(/[\s().-]/g, '');
  const phone = parsePhoneNumberFromString(digits.startsWith('+') ? digits : `+${digits.replace(/^00/, '')}`);
  if (!phone) throw new AppError('VALIDATION_FAILED', 'to is neither an email address nor a phone number with its country code');
  return phone.number;
}

/** The list and search of an account's verifications (the operator's key may read any account's). */
export class VerificationSearch {
  constructor(
    private readonly store: VerificationSearchStore,
    private readonly pseudonyms: Pseudonyms,
    private readonly clock: Clock,
  ) {}

  async list(caller: Principal, q: ListQuery): Promise<ListResult> {
    const { accountId, filters } = this.scope(caller, q);
    const cursor = q.cursor === undefined ? undefined : decodeCursor(q.cursor, 'ver');
    if (cursor === null) throw new AppError('VALIDATION_FAILED', 'the cursor is not one this API returned');
    const limit = q.limit ?? DEFAULT_PAGE;
    const now = this.clock.now();
    const rows = await this.store.list(accountId, filters, { limit: limit + 1, cursor, order: q.order ?? 'desc' }, now);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { verifications: page.map((r) => toView(r, now)), next_cursor: rows.length > limit && last ? encodeCursor(last) : null };
  }

  /**
   * Every verification the filters match, as CSV, a page of EXPORT_PAGE rows at a time: the
   * caller streams it, so a million rows never sit in memory. The scope is checked before the
   * first byte, so a refusal is still a problem answer.
   */
  exportCsv(caller: Principal, q: ListQuery): AsyncGenerator<string> {
    const { accountId, filters } = this.scope(caller, q);
    const { store, clock } = this;
    const order = q.order ?? 'desc';
    return (async function* rows() {
      yield csvHeader;
      let cursor: PageCursor | undefined;
      for (;;) {
        const now = clock.now();
        const page = await store.list(accountId, filters, { limit: EXPORT_PAGE, cursor, order }, now);
        if (page.length > 0) yield page.map((r) => csvRow(toView(r, now))).join('');
        const last = page.at(-1);
        if (page.length < EXPORT_PAGE || !last) return;
        cursor = { createdAt: last.created_at, id: last.id };
      }
    })();
  }

  /** Whose verifications the caller may read, and the filters as the store takes them. */
  private scope(caller: Principal, q: ListQuery): { accountId: string; filters: VerificationFilters } {
    const accountId = accountOf(caller, q.account, 'read another account’s verifications');
    const filters: VerificationFilters = {
      status: q.status,
      channel: q.channel,
      serviceId: q.service,
      country: q.country?.toUpperCase(),
      // Past PII_RETENTION_DAYS a destination is kept as its pseudonym: search finds either.
      to: q.to === undefined ? undefined : ((to) => [to, this.pseudonyms.of(to)])(normalizeDestination(q.to)),
      createdFrom: queryInstant('created_from', q.created_from),
      createdTo: queryInstant('created_to', q.created_to),
      metadata: q.metadata,
    };
    return { accountId, filters };
  }
}
