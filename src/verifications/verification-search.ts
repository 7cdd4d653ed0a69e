import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { AppError } from '../errors/index.js';
import type { Principal } from '../http/types.js';
import type { Clock } from '../lib/clock.js';
import { decodeCursor, encodeCursor } from '../lib/page-cursor.js';
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

function instant(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new AppError('VALIDATION_FAILED', `${name} must be a date-time such as 2026-12-01T00:00:00Z`);
  return t;
}

/** The list and search of an account's verifications (the operator's key may read any account's). */
export class VerificationSearch {
  constructor(
    private readonly store: VerificationSearchStore,
    private readonly clock: Clock,
  ) {}

  async list(caller: Principal, q: ListQuery): Promise<ListResult> {
    if (q.account !== undefined && q.account !== caller.accountId && !caller.isAdmin) throw new AppError('FORBIDDEN', 'only an operator key may read another account’s verifications');
    const cursor = q.cursor === undefined ? undefined : decodeCursor(q.cursor, 'ver');
    if (cursor === null) throw new AppError('VALIDATION_FAILED', 'the cursor is not one this API returned');
    const filters: VerificationFilters = {
      status: q.status,
      channel: q.channel,
      serviceId: q.service,
      country: q.country?.toUpperCase(),
      to: q.to === undefined ? undefined : normalizeDestination(q.to),
      createdFrom: instant('created_from', q.created_from),
      createdTo: instant('created_to', q.created_to),
      metadata: q.metadata,
    };
    const limit = q.limit ?? DEFAULT_PAGE;
    const now = this.clock.now();
    const rows = await this.store.list(q.account ?? caller.accountId, filters, { limit: limit + 1, cursor, order: q.order ?? 'desc' }, now);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { verifications: page.map((r) => toView(r, now)), next_cursor: rows.length > limit && last ? encodeCursor(last) : null };
  }
}
