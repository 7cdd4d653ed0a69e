import type { RouteRule } from '../config/config.js';
import type { Sealer } from '../crypto/sealer.js';
import type { DatabaseHandle } from '../db/database.js';
import type { AccountProviderTable } from '../db/schema.js';
import type { MessageProvider, ProviderAddress, ProviderDefinition } from '../delivery/provider.js';
import { ProviderRouter } from '../delivery/router.js';
import { AppError } from '../errors/index.js';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import { callbackUrl, checkOptions, type BuildContext } from './index.js';

export interface NewProvider {
  name: string;
  type: string;
  options: Record<string, unknown>;
}

/** A provider as the API shows it: its options without the secrets, and which secrets are set. */
export interface ProviderView {
  id: string;
  name: string;
  type: string;
  options: Record<string, unknown>;
  secrets_set: string[];
  callback_url: string;
  created_at: string;
}

const CACHE_MS = 10_000;

/**
 * Providers and routing rules an account sets up for itself. Secret options are sealed at rest and
 * never shown back. A provider built from them is named by its id (`prv_…`), unique across
 * accounts, so attempts, breakers and callbacks never mix two accounts' providers; in the
 * account's own rules it goes by the name the account gave it.
 */
export class AccountProviders {
  private readonly routers = new Map<string, { at: number; router: ProviderRouter | undefined }>();
  private readonly instances = new Map<string, { updatedAt: number; accountId: string; provider: MessageProvider }>();

  constructor(
    private readonly handle: DatabaseHandle,
    private readonly sealer: Sealer,
    private readonly types: ReadonlyMap<string, ProviderDefinition<never>>,
    private readonly ctx: BuildContext,
    private readonly global: ProviderRouter,
    private readonly globalRules: readonly RouteRule[],
    private readonly clock: Clock,
  ) {}

  async create(accountId: string, input: NewProvider): Promise<ProviderView> {
    const def = this.types.get(input.type);
    if (!def) throw new AppError('INVALID_PROVIDER', `type must be one of ${[...this.types.keys()].join(', ')}`);
    const { options, problems } = checkOptions(def, input.options);
    if (problems.length > 0) throw new AppError('INVALID_PROVIDER', problems.join('; '), { problems });
    await this.checkAddresses(def, options, input.options);
    const secrets = Object.fromEntries(def.secrets.filter((k) => options[k] !== undefined).map((k) => [k, options[k]]));
    const plain = Object.fromEntries(Object.entries(options).filter(([k]) => !def.secrets.includes(k)));
    const now = this.clock.now();
    const id = newId('prv');
    const row: AccountProviderTable = {
      id,
      account_id: accountId,
      name: input.name,
      type: input.type,
      options: JSON.stringify(plain),
      secrets_sealed: Object.keys(secrets).length ? this.sealer.seal(JSON.stringify(secrets), id) : null,
      created_at: now,
      updated_at: now,
    };
    // The factory must accept the options now, not at the first send.
    await this.build(row).close?.();
    const taken = await this.handle.db.selectFrom('account_providers').select('id').where('account_id', '=', accountId).where('name', '=', input.name).executeTakeFirst();
    if (taken || this.global.get(input.name)) throw new AppError('PROVIDER_NAME_TAKEN', `a provider named ${input.name} exists`);
    await this.handle.write((trx) => trx.insertInto('account_providers').values(row).execute());
    this.routers.delete(accountId);
    return this.view(row);
  }

  async list(accountId: string): Promise<ProviderView[]> {
    return (await this.rows(accountId)).map((r) => this.view(r));
  }

  async get(accountId: string, id: string): Promise<ProviderView> {
    const row = await this.handle.db.selectFrom('account_providers').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
    if (!row) throw new AppError('PROVIDER_NOT_FOUND', `no provider ${id}`);
    return this.view(row);
  }

  async remove(accountId: string, id: string): Promise<void> {
    const row = await this.handle.db.selectFrom('account_providers').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
    if (!row) throw new AppError('PROVIDER_NOT_FOUND', `no provider ${id}`);
    const rules = await this.rules(accountId);
    if (rules?.some((r) => r.provider === row.name)) throw new AppError('PROVIDER_IN_USE', `a routing rule names ${row.name}; change the routes first`);
    await this.handle.write((trx) => trx.deleteFrom('account_providers').where('id', '=', id).execute());
    this.routers.delete(accountId);
    await this.instances.get(id)?.provider.close?.();
    this.instances.delete(id);
  }

  /** The account's rules, or undefined when it uses the server's. */
  async rules(accountId: string): Promise<RouteRule[] | undefined> {
    const r = await this.handle.db.selectFrom('account_routes').select('routes').where('account_id', '=', accountId).executeTakeFirst();
    return r ? (JSON.parse(r.routes) as RouteRule[]) : undefined;
  }

  /** Replaces the account's rules (an empty list goes back to the server's). */
  async setRoutes(accountId: string, rules: RouteRule[]): Promise<RouteRule[]> {
    const rows = await this.rows(accountId);
    const names = new Set([...rows.map((r) => r.name), ...this.global.all().map((p) => p.name)]);
    const unknown = rules.filter((r) => !names.has(r.provider)).map((r) => r.provider);
    if (unknown.length > 0) throw new AppError('PROVIDER_NOT_FOUND', `no provider named ${[...new Set(unknown)].join(', ')}`);
    const now = this.clock.now();
    await this.handle.write(async (trx) => {
      await trx.deleteFrom('account_routes').where('account_id', '=', accountId).execute();
      if (rules.length > 0)
        await trx
          .insertInto('account_routes')
          .values({ account_id: accountId, routes: JSON.stringify(rules), updated_at: now })
          .execute();
    });
    this.routers.delete(accountId);
    return rules;
  }

  /** The router for an account's messages: its own providers and rules over the server's. */
  async routerFor(accountId: string): Promise<ProviderRouter> {
    const hit = this.routers.get(accountId);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.router ?? this.global;
    const [rows, rules] = await Promise.all([this.rows(accountId), this.rules(accountId)]);
    let router: ProviderRouter | undefined;
    if (rows.length > 0 || rules) {
      const own = rows.map((r) => this.instance(r));
      const aliases = new Map(rows.map((r, i) => [r.name, own[i] as MessageProvider]));
      router = new ProviderRouter([...own, ...this.global.all()], rules ?? this.globalRules, aliases);
    }
    this.routers.set(accountId, { at: Date.now(), router });
    return router ?? this.global;
  }

  /** A provider by the name callbacks and attempts know it by: the server's, or an account's id. */
  async byName(name: string): Promise<MessageProvider | undefined> {
    const global = this.global.get(name);
    if (global || !name.startsWith('prv_')) return global;
    const row = await this.handle.db.selectFrom('account_providers').selectAll().where('id', '=', name).executeTakeFirst();
    return row ? this.instance(row) : undefined;
  }

  /** The account that owns a provider (`prv_…`); undefined for the server's own (PROVIDERS, sandbox). */
  async ownerOf(name: string): Promise<string | undefined> {
    if (this.global.get(name) || !name.startsWith('prv_')) return undefined;
    // A callback has just looked its provider up by name, which left the instance here.
    const live = this.instances.get(name);
    if (live) return live.accountId;
    const row = await this.handle.db.selectFrom('account_providers').select('account_id').where('id', '=', name).executeTakeFirst();
    return row?.account_id;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.instances.values()].map((i) => i.provider.close?.()));
    this.instances.clear();
  }

  private rows(accountId: string): Promise<AccountProviderTable[]> {
    return this.handle.db.selectFrom('account_providers').selectAll().where('account_id', '=', accountId).orderBy('created_at').execute();
  }

  /**
   * Refuses a provider whose options point at a host the account may not reach (SSRF), before
   * anything connects to it. The answer names the option, never its value (it may hold a
   * secret). An option the account left to its default (a vendor's own API) is no address it
   * chose, and is not looked up. The connections themselves are checked again when they are made.
   */
  private async checkAddresses(def: ProviderDefinition<never>, options: Record<string, unknown>, given: Record<string, unknown>): Promise<void> {
    let addresses: ProviderAddress[];
    try {
      addresses = def.addresses(options as never);
    } catch (err) {
      throw new AppError('INVALID_PROVIDER', err instanceof Error ? err.message : 'the options were refused');
    }
    for (const { option, host } of addresses) {
      if (given[option] === undefined) continue;
      const verdict = await this.ctx.outbound.check(host);
      if (verdict === 'unresolvable') throw new AppError('PROVIDER_ADDRESS_UNRESOLVABLE', `the host of ${option} does not resolve`, { option });
      if (verdict === 'not-public')
        throw new AppError('PROVIDER_ADDRESS_NOT_ALLOWED', `${option} points at a loopback, private or otherwise non-public address, which an account's provider may not reach`, { option });
    }
  }

  /** One live instance per provider row, rebuilt when the row changed. */
  private instance(row: AccountProviderTable): MessageProvider {
    const hit = this.instances.get(row.id);
    if (hit && hit.updatedAt === row.updated_at) return hit.provider;
    if (hit) void hit.provider.close?.();
    const provider = this.build(row);
    this.instances.set(row.id, { updatedAt: row.updated_at, accountId: row.account_id, provider });
    return provider;
  }

  private build(row: AccountProviderTable): MessageProvider {
    const def = this.types.get(row.type);
    if (!def) throw new AppError('INVALID_PROVIDER', `unknown provider type ${row.type}`);
    const secrets = row.secrets_sealed ? (JSON.parse(this.sealer.open(row.secrets_sealed, row.id)) as Record<string, unknown>) : {};
    const options = { ...(JSON.parse(row.options) as Record<string, unknown>), ...secrets };
    try {
      return def.create(options as never, {
        name: row.id,
        log: this.ctx.log.child({ provider: row.id }),
        clock: this.ctx.clock,
        onReceipt: (r) => this.ctx.onReceipt(row.id, r),
        callbackUrl: callbackUrl(this.ctx.publicUrl, row.id),
        outbound: this.ctx.outbound,
      });
    } catch (err) {
      throw new AppError('INVALID_PROVIDER', err instanceof Error ? err.message : 'the options were refused');
    }
  }

  private view(row: AccountProviderTable): ProviderView {
    return {
      id: row.id,
      name: row.name,
      type: row.type,
      options: JSON.parse(row.options) as Record<string, unknown>,
      secrets_set: row.secrets_sealed ? Object.keys(JSON.parse(this.sealer.open(row.secrets_sealed, row.id)) as object) : [],
      callback_url: callbackUrl(this.ctx.publicUrl, row.id),
      created_at: new Date(row.created_at).toISOString(),
    };
  }
}
