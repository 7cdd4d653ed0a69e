import type { Transaction } from 'kysely';
import { afterCommit } from '../db/commit-hooks.js';
import type { Database } from '../db/schema.js';
import { AppError } from '../errors/index.js';
import type { EventSink } from '../events/webhook-events.js';
import type { Principal } from '../http/types.js';
import { fraudAccount } from './settings.js';
import type { Clock } from '../lib/clock.js';
import { TtlCache } from '../lib/ttl-cache.js';
import type { SpendRow, SpendStore } from './spend-store.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const MICROS = 1_000_000;
/** How long an instance answers from its copy of an account's fraud settings (its caps, mode and threshold). */
export const CAPS_CACHE_MS = 2000;
/** Accounts whose caps one instance keeps at most. */
export const CAPS_CACHE_ACCOUNTS = 10_000;

/** Caps in millionths of the account's currency; undefined: none. `countryDaily` by country, '*' for any other. */
export interface Caps {
  hourly?: number | undefined;
  daily?: number | undefined;
  monthly?: number | undefined;
  countryDaily?: Readonly<Record<string, number>> | undefined;
  softPercent: number;
}

type PeriodName = 'hour' | 'day' | 'month' | 'country_day';

interface Period {
  name: PeriodName;
  key: string;
  start: number;
  end: number;
  cap: number | undefined;
  country?: string | undefined;
}

/** The periods a send at `now` counts in (UTC): the hour, the day, the month, and the country's day. */
function periodsAt(now: number, country: string | null, caps: Caps): Period[] {
  const hour = Math.floor(now / HOUR) * HOUR;
  const day = Math.floor(now / DAY) * DAY;
  const d = new Date(now);
  const month = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const nextMonth = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  const out: Period[] = [
    { name: 'hour', key: `h:${hour}`, start: hour, end: hour + HOUR, cap: caps.hourly },
    { name: 'day', key: `d:${day}`, start: day, end: day + DAY, cap: caps.daily },
    { name: 'month', key: `m:${month}`, start: month, end: nextMonth, cap: caps.monthly },
  ];
  if (country) out.push({ name: 'country_day', key: `c:${country}:${day}`, start: day, end: day + DAY, cap: caps.countryDaily?.[country] ?? caps.countryDaily?.['*'], country });
  return out;
}

const units = (micros: number | undefined): number | null => (micros === undefined ? null : micros / MICROS);

/** The caps an account's settings give, over the server's defaults (what the account does not set). */
export function capsOf(own: Partial<Record<'hourly' | 'daily' | 'monthly', number | null>> & { country_daily?: Record<string, number> | null; soft_percent?: number }, server: Caps): Caps {
  const pick = (k: 'hourly' | 'daily' | 'monthly') => (own[k] === undefined || own[k] === null ? server[k] : Math.round(own[k] * MICROS));
  return {
    hourly: pick('hourly'),
    daily: pick('daily'),
    monthly: pick('monthly'),
    countryDaily: own.country_daily ? Object.fromEntries(Object.entries(own.country_daily).map(([c, v]) => [c, Math.round(v * MICROS)])) : server.countryDaily,
    softPercent: own.soft_percent ?? server.softPercent,
  };
}

/**
 * Spend caps: what each paid send adds to the account's hour, day, month and the destination
 * country's day, in the send's own transaction (one upsert, each period held to its cap), so the
 * caps hold across instances. A send that would pass a cap is refused (SPEND_CAP_REACHED) until the
 * period rolls over or the cap is raised; the send that first reaches the soft threshold of a
 * period announces it (`spend.threshold`, once per period, after its commit).
 */
export class SpendCaps {
  private readonly cache: TtlCache<{ caps: Caps; own: Record<string, unknown> }>;

  constructor(
    private readonly store: SpendStore,
    readonly server: Caps,
    private readonly clock: Clock,
    private readonly currencyOf: (accountId: string) => Promise<string>,
    private readonly sink: EventSink | undefined,
  ) {
    this.cache = new TtlCache(CAPS_CACHE_MS, CAPS_CACHE_ACCOUNTS, () => clock.now());
  }

  /**
   * What a paid send must do in its transaction: read here, before it (on SQLite a read through the
   * pool inside the transaction would wait for the connection the transaction holds), the caps
   * and the currency; the returned step only uses the transaction.
   */
  async prepare(accountId: string, country: string | null, micros: number): Promise<((trx: Transaction<Database>) => Promise<void>) | undefined> {
    if (micros <= 0) return undefined;
    const now = this.clock.now();
    const caps = await this.capsFor(accountId);
    const currency = await this.currencyOf(accountId);
    const periods = periodsAt(now, country, caps);
    const over = periods.find((p) => p.cap !== undefined && micros > p.cap);
    if (over) throw refusal(over, currency, now);
    const rows: SpendRow[] = periods.map((p) => ({ period: p.key, endsAt: p.end, capMicros: p.cap ?? null }));
    return async (trx) => {
      const spent = await this.store.add(trx, accountId, rows, micros);
      const refused = periods.find((p) => !spent.has(p.key));
      if (refused) throw refusal(refused, currency, now);
      const crossed = periods.filter((p) => {
        if (p.cap === undefined) return false;
        const soft = (p.cap * caps.softPercent) / 100;
        const after = spent.get(p.key) as number;
        return after >= soft && after - micros < soft;
      });
      const sink = this.sink;
      if (crossed.length === 0 || !sink) return;
      afterCommit(trx, () => {
        for (const p of crossed)
          sink.emit({
            type: 'spend.threshold',
            accountId,
            serviceId: null,
            data: {
              period: p.name,
              ...(p.country ? { country: p.country } : {}),
              period_start: new Date(p.start).toISOString(),
              period_end: new Date(p.end).toISOString(),
              threshold_percent: caps.softPercent,
              cap: units(p.cap),
              spent: units(spent.get(p.key)),
              currency,
            },
          });
      });
    };
  }

  /** Where the account stands in each period now. */
  async standing(caller: Principal, account: string | undefined) {
    const accountId = fraudAccount(caller, account);
    const now = this.clock.now();
    const caps = await this.capsFor(accountId);
    const periods = periodsAt(now, null, caps);
    const spent = await this.store.counters(
      accountId,
      periods.map((p) => p.key),
    );
    const day = Math.floor(now / DAY) * DAY;
    const countries = await this.store.countriesOn(accountId, day);
    const capped = Object.keys(caps.countryDaily ?? {}).filter((c) => c !== '*');
    const seen = new Set(countries.map((c) => c.country));
    const cap = (c: string) => units(caps.countryDaily?.[c] ?? caps.countryDaily?.['*']);
    return {
      account: accountId,
      currency: await this.currencyOf(accountId),
      soft_percent: caps.softPercent,
      periods: periods.map((p) => ({ period: p.name, start: new Date(p.start).toISOString(), end: new Date(p.end).toISOString(), spent: (spent.get(p.key) ?? 0) / MICROS, cap: units(p.cap) })),
      countries: [
        ...countries.map((c) => ({ country: c.country, spent: c.spent / MICROS, cap: cap(c.country) })),
        ...capped.filter((c) => !seen.has(c)).map((c) => ({ country: c, spent: 0, cap: cap(c) })),
      ].sort((a, b) => b.spent - a.spent || a.country.localeCompare(b.country)),
      day_start: new Date(day).toISOString(),
    };
  }

  /** The caps an account answers to now. */
  async capsFor(accountId: string): Promise<Caps> {
    return (await this.entry(accountId)).caps;
  }

  /** The account's own fraud settings as stored (what it set over the server's defaults). */
  /** The account's own settings; at once when this instance holds them. */
  ownSettings(accountId: string): Record<string, unknown> | Promise<Record<string, unknown>> {
    const e = this.entry(accountId);
    return e instanceof Promise ? e.then((x) => x.own) : e.own;
  }

  private entry(accountId: string): { caps: Caps; own: Record<string, unknown> } | Promise<{ caps: Caps; own: Record<string, unknown> }> {
    return this.cache.get(accountId, async () => {
      const own = await this.store.settings(accountId);
      return { caps: capsOf((own.caps as Parameters<typeof capsOf>[0] | undefined) ?? {}, this.server), own };
    });
  }

  forget(accountId: string): void {
    this.cache.delete(accountId);
  }
}

function refusal(p: Period, currency: string, now: number): AppError {
  const what = p.name === 'country_day' ? `daily spend cap for ${p.country}` : `${p.name === 'day' ? 'daily' : `${p.name}ly`} spend cap`;
  return new AppError(
    'SPEND_CAP_REACHED',
    `the account's ${what} (${units(p.cap)} ${currency}) is reached; sends resume when the period ends or the cap is raised`,
    { period: p.name, ...(p.country ? { country: p.country } : {}), cap: units(p.cap), currency, resets_at: new Date(p.end).toISOString() },
    Math.max(1, Math.ceil((p.end - now) / 1000)),
  );
}
