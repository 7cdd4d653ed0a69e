import { AppError } from '../errors/index.js';
import type { Principal } from '../http/types.js';
import type { Clock } from '../lib/clock.js';
import { decodeCursor } from '../lib/page-cursor.js';
import type { DecisionLog } from './decisions.js';
import type { PrefixBlocks } from './pumping/blocks.js';
import { fraudAccount } from './settings.js';

export interface DecisionsQuery {
  account?: string | undefined;
  outcome?: string | undefined;
  reason?: string | undefined;
  country?: string | undefined;
  prefix?: string | undefined;
  service?: string | undefined;
  verification?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit?: string | undefined;
  cursor?: string | undefined;
}

/** What the pumping rules did, as the API reads it: the decisions that refused, and the prefix blocks, each liftable. */
export class PumpingRecord {
  constructor(
    private readonly decisions: DecisionLog,
    private readonly blocks: PrefixBlocks,
    private readonly clock: Clock,
  ) {}

  async decisionsOf(caller: Principal, q: DecisionsQuery) {
    const accountId = fraudAccount(caller, q.account);
    const cursor = q.cursor === undefined ? undefined : decodeCursor(q.cursor, 'fdc');
    if (cursor === null) throw new AppError('VALIDATION_FAILED', 'the cursor is not one this API returned');
    const time = (t: string | undefined) => (t === undefined ? undefined : Date.parse(t));
    const filters = { outcome: q.outcome, reason: q.reason, country: q.country, prefix: q.prefix, serviceId: q.service, verificationId: q.verification, from: time(q.from), to: time(q.to) };
    return this.decisions.list(accountId, filters, q.limit === undefined ? undefined : Number(q.limit), cursor);
  }

  async blocksOf(caller: Principal, account: string | undefined, active: boolean | undefined) {
    const accountId = fraudAccount(caller, account);
    return { account: accountId, blocks: await this.blocks.list(accountId, active, this.clock.now()) };
  }

  lift(caller: Principal, account: string | undefined, id: string) {
    return this.blocks.lift(fraudAccount(caller, account), id, caller.keyId, this.clock.now());
  }
}
