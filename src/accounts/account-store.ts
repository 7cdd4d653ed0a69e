import { sql, type Kysely, type Transaction } from 'kysely';
import type { AccountTable, ApiKeyTable, Database, PriceTable } from '../db/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface NewAccount {
  id: string;
  name: string;
  isAdmin: boolean;
  postpaid: boolean;
  balanceMicros: number;
  currency: string;
  createdAt: number;
}

/** SQL for accounts, their API keys, balances and price lists. */
export class AccountStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insertAccount(a: NewAccount, db: Db = this.db): Promise<void> {
    await db
      .insertInto('accounts')
      .values({
        id: a.id,
        name: a.name,
        is_admin: a.isAdmin ? 1 : 0,
        postpaid: a.postpaid ? 1 : 0,
        balance_micros: a.balanceMicros,
        currency: a.currency,
        created_at: a.createdAt,
      })
      .execute();
  }

  getAccount(id: string): Promise<AccountTable | undefined> {
    return this.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
  }

  firstAccount(): Promise<AccountTable | undefined> {
    return this.db.selectFrom('accounts').selectAll().orderBy('created_at').orderBy('id').limit(1).executeTakeFirst();
  }

  async updateAccount(id: string, patch: { name?: string; postpaid?: boolean }): Promise<void> {
    const values: Partial<AccountTable> = {};
    if (patch.name !== undefined) values.name = patch.name;
    if (patch.postpaid !== undefined) values.postpaid = patch.postpaid ? 1 : 0;
    if (Object.keys(values).length) await this.db.updateTable('accounts').set(values).where('id', '=', id).execute();
  }

  async credit(id: string, micros: number): Promise<number | undefined> {
    const row = await this.db
      .updateTable('accounts')
      .set({ balance_micros: sql<number>`balance_micros + ${micros}` })
      .where('id', '=', id)
      .returning('balance_micros')
      .executeTakeFirst();
    return row?.balance_micros;
  }

  /**
   * Takes `micros` from the balance in one conditional update, so two sends racing for the last
   * cent cannot both pass. Postpaid accounts may go below zero. False when the balance is short.
   */
  async debit(db: Db, id: string, micros: number): Promise<boolean> {
    const res = await db
      .updateTable('accounts')
      .set({ balance_micros: sql<number>`balance_micros - ${micros}` })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('postpaid', '=', 1), eb('balance_micros', '>=', micros)]))
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  listPrices(accountId: string): Promise<PriceTable[]> {
    return this.db.selectFrom('prices').selectAll().where('account_id', '=', accountId).orderBy('channel').orderBy('prefix').execute();
  }

  async replacePrices(accountId: string, prices: Array<{ channel: string; prefix: string; priceMicros: number }>): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('prices').where('account_id', '=', accountId).execute();
      if (prices.length) {
        await trx
          .insertInto('prices')
          .values(prices.map((p) => ({ account_id: accountId, channel: p.channel, prefix: p.prefix, price_micros: p.priceMicros })))
          .execute();
      }
    });
  }

  async insertKey(k: ApiKeyTable, db: Db = this.db): Promise<void> {
    await db.insertInto('api_keys').values(k).execute();
  }

  /** The key with its account's flags, or undefined when unknown or revoked. */
  findActiveKey(id: string): Promise<(ApiKeyTable & { is_admin: number }) | undefined> {
    return this.db
      .selectFrom('api_keys')
      .innerJoin('accounts', 'accounts.id', 'api_keys.account_id')
      .selectAll('api_keys')
      .select('accounts.is_admin')
      .where('api_keys.id', '=', id)
      .where('api_keys.revoked_at', 'is', null)
      .executeTakeFirst();
  }

  listKeys(accountId: string): Promise<Array<Omit<ApiKeyTable, 'secret_hash'>>> {
    return this.db.selectFrom('api_keys').select(['id', 'account_id', 'name', 'created_at', 'revoked_at']).where('account_id', '=', accountId).orderBy('created_at').execute();
  }

  async revokeKey(accountId: string, id: string, at: number): Promise<boolean> {
    const res = await this.db.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', id).where('account_id', '=', accountId).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** Claims the one-time bootstrap; true for exactly one caller even across instances. */
  async claimBootstrap(db: Db, at: number): Promise<boolean> {
    const res = await db
      .insertInto('meta')
      .values({ key: 'bootstrap', value: String(at) })
      .onConflict((oc) => oc.column('key').doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0n) === 1;
  }
}
