import type { DatabaseHandle } from '../../db/database.js';
import type { FraudBlockTable } from '../../db/schema.js';
import { AppError } from '../../errors/index.js';
import type { EventSink } from '../../events/webhook-events.js';
import type { Clock } from '../../lib/clock.js';
import { BoundedMap } from '../../lib/bounded-map.js';
import { newId } from '../../lib/ids.js';
import { TtlCache } from '../../lib/ttl-cache.js';
import type { Static } from 'typebox';
import type { BlockView } from '../schemas.js';
import { Decay } from './decay.js';
import { explained, type Reason } from './engine.js';

/** How long an instance answers from its copy of an account's active blocks: another instance's new block is seen within it. */
export const BLOCKS_CACHE_MS = 2000;
/** Accounts whose active blocks one instance keeps at most; (account, prefix) pairs whose refusals it counts. */
export const BLOCKS_CACHE_ACCOUNTS = 10_000;
export const REFUSALS_MAX = 50_000;
/** Refusals into one prefix within a few minutes (a count halving every five) that block it whole. */
export const REFUSALS_TO_BLOCK = 3;
const REFUSALS_HALF_LIFE_MS = 5 * 60_000;
/** The blocks of a prefix in this window before a new one, not lifted, make the new one longer. */
export const RECUR_WINDOW_MS = 7 * 86_400_000;

export interface ActiveBlock {
  id: string;
  prefix: string;
  expiresAt: number;
  /** The mode it was set in: one set in shadow mode never refuses. */
  mode: string;
}

export function blockView(r: FraudBlockTable, now: number): Static<typeof BlockView> {
  return {
    id: r.id,
    prefix: r.prefix,
    country: r.country,
    level: r.level,
    mode: r.mode as Static<typeof BlockView>['mode'],
    active: r.lifted_at === null && r.expires_at > now,
    created_at: new Date(Number(r.created_at)).toISOString(),
    expires_at: new Date(Number(r.expires_at)).toISOString(),
    lifted_at: r.lifted_at === null ? null : new Date(Number(r.lifted_at)).toISOString(),
    reasons: JSON.parse(r.reasons) as Static<typeof BlockView>['reasons'],
  };
}

/**
 * Prefix blocks: when refusals into one range or block keep coming (REFUSALS_TO_BLOCK within a few
 * minutes), the prefix is blocked as a whole, so the rest of an attack is refused without being
 * scored. A prefix blocked again within a week is blocked longer (FRAUD_BLOCK_DURATIONS: 15 min,
 * then 1 h, then 24 h); a lifted block does not count. Blocks live in the database, so every
 * instance holds them; each reads an account's active blocks at most every BLOCKS_CACHE_MS.
 */
export class PrefixBlocks {
  private readonly cache: TtlCache<ActiveBlock[]>;
  private readonly refusals = new BoundedMap<Decay>(REFUSALS_MAX);

  constructor(
    private readonly handle: DatabaseHandle,
    private readonly clock: Clock,
    /** Each level's duration (ms); the last holds for every level past it. */
    private readonly durations: readonly number[],
    private readonly sink: EventSink | undefined,
  ) {
    this.cache = new TtlCache(BLOCKS_CACHE_MS, BLOCKS_CACHE_ACCOUNTS, () => clock.now());
  }

  /** The active block whose prefix `to` (E.164) starts with, if any; at once when this instance holds the account's blocks. */
  matching(accountId: string, to: string, now: number): ActiveBlock | undefined | Promise<ActiveBlock | undefined> {
    const find = (blocks: readonly ActiveBlock[]) => blocks.find((b) => b.expiresAt > now && to.startsWith(b.prefix));
    const blocks = this.cache.get(accountId, async () => {
      const rows = await this.handle.db
        .selectFrom('fraud_blocks')
        .select(['id', 'prefix', 'expires_at', 'mode'])
        .where('account_id', '=', accountId)
        .where('expires_at', '>', now)
        .where('lifted_at', 'is', null)
        .execute();
      return rows.map((r) => ({ id: r.id, prefix: r.prefix, expiresAt: Number(r.expires_at), mode: r.mode }));
    });
    return blocks instanceof Promise ? blocks.then(find) : find(blocks);
  }

  /**
   * Counts a refusal into `prefix` (enforced or in shadow mode); the one that makes it
   * REFUSALS_TO_BLOCK blocks the prefix, unless it already is. The new block, if any.
   */
  async refused(accountId: string, prefix: string, country: string, mode: string, reasons: readonly Reason[], now: number): Promise<FraudBlockTable | undefined> {
    const count = this.refusals.getOr(`${accountId}\u0000${prefix}`, () => new Decay(REFUSALS_HALF_LIFE_MS));
    count.add(1, now);
    if (count.value(now) < REFUSALS_TO_BLOCK) return undefined;
    if (await this.matching(accountId, prefix, now)) return undefined;
    const block = await this.handle.write(async (trx) => {
      const earlier = await trx.selectFrom('fraud_blocks').selectAll().where('account_id', '=', accountId).where('prefix', '=', prefix).orderBy('seq', 'desc').limit(50).execute();
      if (earlier.some((b) => b.lifted_at === null && Number(b.expires_at) > now)) return undefined;
      const level = earlier.filter((b) => b.lifted_at === null && Number(b.created_at) > now - RECUR_WINDOW_MS).length;
      const row: FraudBlockTable = {
        id: newId('fbk'),
        account_id: accountId,
        prefix,
        country,
        seq: earlier.length === 0 ? 0 : Number(earlier[0]?.seq) + 1,
        level,
        mode,
        reasons: JSON.stringify(explained(reasons)),
        created_at: now,
        expires_at: now + (this.durations[Math.min(level, this.durations.length - 1)] as number),
        lifted_at: null,
        lifted_by: null,
        ended: 0,
      };
      // Another instance may have blocked the same prefix a moment ago: its block stands.
      const added = await trx
        .insertInto('fraud_blocks')
        .values(row)
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      return Number(added.numInsertedOrUpdatedRows ?? 0) > 0 ? row : undefined;
    });
    this.cache.delete(accountId);
    if (block && mode === 'enforce') this.sink?.emit({ type: 'fraud.prefix_blocked', accountId, serviceId: null, data: blockView(block, now) });
    return block;
  }

  async list(accountId: string, active: boolean | undefined, now: number) {
    let q = this.handle.db.selectFrom('fraud_blocks').selectAll().where('account_id', '=', accountId);
    if (active === true) q = q.where('expires_at', '>', now).where('lifted_at', 'is', null);
    if (active === false) q = q.where((eb) => eb.or([eb('expires_at', '<=', now), eb('lifted_at', 'is not', null)]));
    const rows = await q.orderBy('created_at', 'desc').limit(500).execute();
    return rows.map((r) => blockView(r, now));
  }

  /** Lifts an active block at once (its prefix is judged again from the next start). */
  async lift(accountId: string, id: string, by: string, now: number) {
    const lifted = await this.handle.write((trx) =>
      trx
        .updateTable('fraud_blocks')
        .set({ lifted_at: now, lifted_by: by, ended: 1 })
        .where('id', '=', id)
        .where('account_id', '=', accountId)
        .where('lifted_at', 'is', null)
        .where('expires_at', '>', now)
        .returningAll()
        .executeTakeFirst(),
    );
    if (!lifted) throw new AppError('FRAUD_BLOCK_NOT_FOUND', `no active block ${id}`);
    this.cache.delete(accountId);
    // Its refusals are forgotten too, so the next one does not put the block straight back.
    this.refusals.delete(`${accountId}\u0000${lifted.prefix}`);
    this.sink?.emit({ type: 'fraud.prefix_unblocked', accountId, serviceId: null, data: { ...blockView(lifted, now), why: 'lifted' } });
    return blockView(lifted, now);
  }

  /** Announces the blocks that ran out (once, from whichever instance gets there first), and drops those a month past. */
  async sweep(keepAfter: number): Promise<void> {
    const now = this.clock.now();
    const ended = await this.handle.write((trx) => trx.updateTable('fraud_blocks').set({ ended: 1 }).where('ended', '=', 0).where('expires_at', '<=', now).returningAll().execute());
    for (const b of ended) if (b.mode === 'enforce') this.sink?.emit({ type: 'fraud.prefix_unblocked', accountId: b.account_id, serviceId: null, data: { ...blockView(b, now), why: 'expired' } });
    await this.handle.write((trx) => trx.deleteFrom('fraud_blocks').where('expires_at', '<', keepAfter).execute());
  }
}
