import type { Kysely } from 'kysely';
import type { AccountTable, Database } from '../db/schema.js';
import { AppError } from '../errors/index.js';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import type { AccountStore } from './account-store.js';
import type { IssuedKey, KeyService } from './key-service.js';

export interface CreateAccountInput {
  name: string;
  postpaid?: boolean;
  balanceMicros?: number;
  currency?: string;
  isAdmin?: boolean;
}

export class AccountService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly store: AccountStore,
    private readonly keys: KeyService,
    private readonly clock: Clock,
  ) {}

  async create(input: CreateAccountInput): Promise<{ account: AccountTable; key: IssuedKey }> {
    const id = newId('acc');
    const key = await this.db.transaction().execute(async (trx) => {
      await this.store.insertAccount(
        {
          id,
          name: input.name,
          isAdmin: input.isAdmin ?? false,
          postpaid: input.postpaid ?? false,
          balanceMicros: input.balanceMicros ?? 0,
          currency: input.currency ?? 'USD',
          createdAt: this.clock.now(),
        },
        trx,
      );
      return this.keys.create(id, 'default', trx);
    });
    return { account: (await this.store.getAccount(id)) as AccountTable, key };
  }

  /**
   * On an empty database, creates the operator account (admin, postpaid) with one key and
   * returns that key: the only time its secret exists outside its holder's hands. Returns
   * undefined when the database was already set up, even if several instances start at once.
   */
  async bootstrap(): Promise<IssuedKey | undefined> {
    return this.db.transaction().execute(async (trx) => {
      if (!(await this.store.claimBootstrap(trx, this.clock.now()))) return undefined;
      const id = newId('acc');
      await this.store.insertAccount({ id, name: 'operator', isAdmin: true, postpaid: true, balanceMicros: 0, currency: 'USD', createdAt: this.clock.now() }, trx);
      return this.keys.create(id, 'bootstrap', trx);
    });
  }

  /** An account by id; undefined when there is none. */
  find(id: string): Promise<AccountTable | undefined> {
    return this.store.getAccount(id);
  }

  /** The first account created (the one a RADIUS feed serves when it names none). */
  first(): Promise<AccountTable | undefined> {
    return this.store.firstAccount();
  }

  async get(id: string): Promise<AccountTable> {
    const a = await this.store.getAccount(id);
    if (!a) throw new AppError('ACCOUNT_NOT_FOUND');
    return a;
  }
}
