import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { DatabaseHandle } from '../db/database.js';
import { AppError } from '../errors/index.js';
import type { Principal } from '../http/types.js';
import { fraudAccount } from './settings.js';
import type { Clock } from '../lib/clock.js';
import { TtlCache } from '../lib/ttl-cache.js';

/** How long an instance answers from its copy of an account's safe list. */
export const SAFE_LIST_CACHE_MS = 2000;
/** Accounts whose safe list one instance keeps at most. */
export const SAFE_LIST_CACHE_ACCOUNTS = 10_000;
/** Entries one account may keep. */
export const SAFE_LIST_MAX = 10_000;

export interface SafeEntry {
  entry: string;
  kind: 'number' | 'prefix';
  note: string | null;
  created_at: string;
}

/**
 * The safe list: an account's numbers and prefixes that geo permissions and the pumping rules
 * never block (spend caps still hold). A number is kept in E.164, a prefix as `+` and its digits.
 */
export class SafeList {
  private readonly cache: TtlCache<{ numbers: Set<string>; prefixes: string[] }>;

  constructor(
    private readonly handle: DatabaseHandle,
    private readonly clock: Clock,
  ) {
    this.cache = new TtlCache(SAFE_LIST_CACHE_MS, SAFE_LIST_CACHE_ACCOUNTS, () => clock.now());
  }

  /** Whether `to` (E.164) is on the account's safe list. */
  async has(accountId: string, to: string): Promise<boolean> {
    const list = await this.listOf(accountId);
    return list.numbers.has(to) || list.prefixes.some((p) => to.startsWith(p));
  }

  async list(caller: Principal, account: string | undefined) {
    const accountId = fraudAccount(caller, account);
    const rows = await this.handle.db.selectFrom('fraud_safe_list').selectAll().where('account_id', '=', accountId).orderBy('entry').execute();
    return { account: accountId, entries: rows.map((r) => view(r)) };
  }

  async add(caller: Principal, body: { account?: string | undefined; number?: string | undefined; prefix?: string | undefined; note?: string | undefined }): Promise<SafeEntry> {
    const accountId = fraudAccount(caller, body.account);
    if ((body.number === undefined) === (body.prefix === undefined)) throw new AppError('VALIDATION_FAILED', 'give either number or prefix');
    const kind = body.number !== undefined ? 'number' : 'prefix';
    const entry = body.number !== undefined ? e164(body.number) : `+${(body.prefix as string).replace(/^\+/, '')}`;
    const count = await this.handle.db
      .selectFrom('fraud_safe_list')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', accountId)
      .executeTakeFirstOrThrow();
    if (Number(count.n) >= SAFE_LIST_MAX) throw new AppError('VALIDATION_FAILED', `the safe list holds at most ${SAFE_LIST_MAX} entries`);
    const row = { account_id: accountId, entry, kind, note: body.note ?? null, created_at: this.clock.now() };
    await this.handle.write((trx) =>
      trx
        .insertInto('fraud_safe_list')
        .values(row)
        .onConflict((oc) => oc.columns(['account_id', 'entry']).doUpdateSet({ note: row.note }))
        .execute(),
    );
    this.cache.delete(accountId);
    return view(row);
  }

  async remove(caller: Principal, account: string | undefined, raw: string): Promise<void> {
    const accountId = fraudAccount(caller, account);
    const entry = `+${raw.replace(/^\+/, '')}`;
    const r = await this.handle.write((trx) => trx.deleteFrom('fraud_safe_list').where('account_id', '=', accountId).where('entry', '=', entry).executeTakeFirst());
    this.cache.delete(accountId);
    if (Number(r.numDeletedRows) === 0) throw new AppError('SAFE_LIST_ENTRY_NOT_FOUND', 'no such number or prefix on the safe list');
  }

  private listOf(accountId: string) {
    return this.cache.get(accountId, async () => {
      const rows = await this.handle.db.selectFrom('fraud_safe_list').select(['entry', 'kind']).where('account_id', '=', accountId).execute();
      return { numbers: new Set(rows.filter((r) => r.kind === 'number').map((r) => r.entry)), prefixes: rows.filter((r) => r.kind === 'prefix').map((r) => r.entry) };
    });
  }
}

function e164(raw: string): string {
  const phone = parsePhoneNumberFromString(raw.trim());
  if (!phone || !raw.trim().startsWith('+')) throw new AppError('INVALID_PHONE_NUMBER', 'number must be a phone number in international format, starting with + and the country code');
  return phone.number;
}

function view(r: { entry: string; kind: string; note: string | null; created_at: number }): SafeEntry {
  return { entry: r.entry, kind: r.kind as 'number' | 'prefix', note: r.note, created_at: new Date(Number(r.created_at)).toISOString() };
}
