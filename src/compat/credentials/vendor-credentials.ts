import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Sealer } from '../../crypto/sealer.js';
import type { DatabaseHandle } from '../../db/database.js';
import type { Database, VendorCredentialTable } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';

export const VENDORS = ['claro', 'zadarma', 'smsc', 'messagecentral'] as const;
export type Vendor = (typeof VENDORS)[number];

/** A credential as its vendor's clients use it; the secret is only shown when it is issued. */
export interface VendorCredential {
  id: string;
  accountId: string;
  vendor: Vendor;
  login: string;
  secret: string;
  settings: Record<string, unknown>;
  createdAt: number;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function alnum(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ALNUM[randomInt(ALNUM.length)];
  return s;
}

/**
 * What each vendor's clients expect a credential to look like: Zadarma's npm client refuses a
 * secret that is not exactly 20 characters; Claro keys are long consumer keys; SMSC has a login
 * the account picks; Message Central customer ids look like `C-…`.
 */
function issue(vendor: Vendor, login: string | undefined): { login: string; secret: string } {
  switch (vendor) {
    case 'zadarma':
      return { login: randomBytes(10).toString('hex'), secret: randomBytes(10).toString('hex') };
    case 'claro':
      return { login: alnum(32), secret: alnum(16) };
    case 'smsc':
      return { login: login ?? `verity${randomInt(100_000, 1_000_000)}`, secret: alnum(16) };
    case 'messagecentral':
      return { login: login ?? `C-${randomBytes(8).toString('hex').toUpperCase()}`, secret: alnum(20) };
  }
}

function digest(vendor: Vendor, secret: string): string {
  return createHash('sha256').update(`${vendor}:${secret}`).digest('hex');
}

/** Vendor-form credentials of Verity accounts; secrets sealed at rest, bound to their row. */
export class VendorCredentials {
  private readonly db: Kysely<Database>;

  constructor(
    private readonly handle: DatabaseHandle,
    private readonly sealer: Sealer,
    private readonly clock: Clock,
  ) {
    this.db = handle.db;
  }

  /** Issues a credential; false when the login is taken (SMSC and Message Central logins are chosen). */
  async create(accountId: string, vendor: Vendor, opts: { login?: string | undefined; settings?: Record<string, unknown> | undefined } = {}): Promise<VendorCredential | undefined> {
    const id = newId('vcr');
    const { login, secret } = issue(vendor, opts.login);
    const row: VendorCredentialTable = {
      id,
      account_id: accountId,
      vendor,
      login,
      secret_sealed: this.sealer.seal(secret, id),
      secret_digest: digest(vendor, secret),
      settings: opts.settings ? JSON.stringify(opts.settings) : null,
      created_at: this.clock.now(),
    };
    const res = await this.handle.write((trx) =>
      trx
        .insertInto('vendor_credentials')
        .values(row)
        .onConflict((oc) => oc.columns(['vendor', 'login']).doNothing())
        .executeTakeFirst(),
    );
    if (Number(res.numInsertedOrUpdatedRows ?? 0n) !== 1) return undefined;
    return this.view(row);
  }

  /** The credential a vendor client presents, secret opened; undefined when there is none. */
  async find(vendor: Vendor, login: string): Promise<VendorCredential | undefined> {
    const row = await this.db.selectFrom('vendor_credentials').selectAll().where('vendor', '=', vendor).where('login', '=', login).executeTakeFirst();
    return row && this.view(row);
  }

  /** The credential whose secret this is (SMSC's `apikey` alone). */
  async findBySecret(vendor: Vendor, secret: string): Promise<VendorCredential | undefined> {
    const row = await this.db.selectFrom('vendor_credentials').selectAll().where('vendor', '=', vendor).where('secret_digest', '=', digest(vendor, secret)).executeTakeFirst();
    // The digest found it; the sealed secret confirms it.
    const found = row && this.view(row);
    return found && found.secret === secret ? found : undefined;
  }

  /** An account's credentials, secrets left sealed. */
  async list(accountId: string): Promise<Array<Omit<VendorCredential, 'secret'>>> {
    const rows = await this.db.selectFrom('vendor_credentials').selectAll().where('account_id', '=', accountId).orderBy('created_at').orderBy('id').execute();
    return rows.map((r) => this.meta(r));
  }

  /** One of an account's credentials, secret left sealed. */
  async get(accountId: string, id: string): Promise<Omit<VendorCredential, 'secret'> | undefined> {
    const row = await this.db.selectFrom('vendor_credentials').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
    return row && this.meta(row);
  }

  async setSettings(accountId: string, id: string, settings: Record<string, unknown>): Promise<boolean> {
    const res = await this.handle.write((trx) =>
      trx
        .updateTable('vendor_credentials')
        .set({ settings: JSON.stringify(settings) })
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .executeTakeFirst(),
    );
    return Number(res.numUpdatedRows) === 1;
  }

  async remove(accountId: string, id: string): Promise<boolean> {
    const res = await this.handle.write((trx) => trx.deleteFrom('vendor_credentials').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst());
    return Number(res.numDeletedRows) === 1;
  }

  private meta(r: VendorCredentialTable): Omit<VendorCredential, 'secret'> {
    return { id: r.id, accountId: r.account_id, vendor: r.vendor as Vendor, login: r.login, settings: r.settings ? (JSON.parse(r.settings) as Record<string, unknown>) : {}, createdAt: r.created_at };
  }

  private view(r: VendorCredentialTable): VendorCredential {
    return { ...this.meta(r), secret: this.sealer.open(r.secret_sealed, r.id) };
  }
}
