import { sql, type Kysely, type Transaction } from 'kysely';
import type { DatabaseHandle } from '../db/database.js';
import { PreparedQuery } from '../db/prepared.js';
import type { Database, VerificationTable } from '../db/schema.js';
import type { Failure, FailureReason } from './failure-reason.js';
import { placeholderRow, VERIFICATION_COLUMNS } from '../db/columns.js';

type Db = Kysely<Database> | Transaction<Database>;

export type VerificationRow = VerificationTable;

export interface FinishExtra {
  expiredOnly?: boolean;
  failure?: Failure | undefined;
}

const affected = (r: { numAffectedRows?: bigint }) => Number(r.numAffectedRows ?? 0n);

/**
 * SQL for verifications. Every state change is one conditional
 * UPDATE whose WHERE clause carries the rule, so concurrent requests cannot both win. The
 * queries on the request path are prepared once (see PreparedQuery).
 */
export class VerificationStore {
  private readonly db: Kysely<Database>;
  private readonly q;

  constructor(private readonly handle: DatabaseHandle) {
    this.db = handle.db;
    const db = this.db;
    this.q = {
      insert: new PreparedQuery<VerificationRow>((p) => db.insertInto('verifications').values(placeholderRow(p, VERIFICATION_COLUMNS))),
      get: new PreparedQuery<{ id: string; accountId: string }>((p) => db.selectFrom('verifications').selectAll().where('id', '=', p.id).where('account_id', '=', p.accountId)),
      countAttempt: new PreparedQuery<{ id: string; accountId: string; now: number; since: number }>((p) => {
        const update = db
          .updateTable('verifications')
          .set({ attempts: sql<number>`attempts + 1`, updated_at: p.now })
          .where('id', '=', p.id)
          .where('account_id', '=', p.accountId)
          .where('status', '=', 'pending')
          .where('expires_at', '>', p.now)
          .where(sql<boolean>`attempts < max_attempts`)
          .returningAll();
        // PostgreSQL: checks of one destination queue behind each other until their transaction
        // ends, so the count that follows (a statement of its own, with a snapshot taken after the
        // lock) sees every guess counted before. SQLite runs one write unit at a time and needs no
        // lock, and reads the count in this same statement.
        return handle.dialect === 'postgres'
          ? update.returning(sql<null>`pg_advisory_xact_lock(hashtextextended(account_id || ':' || "to", 0))`.as('guess_lock'))
          : update.returning((eb) =>
              eb
                .selectFrom('wrong_guesses')
                .select(eb.fn.countAll<number>().as('n'))
                .whereRef('wrong_guesses.account_id', '=', 'verifications.account_id')
                .whereRef('wrong_guesses.destination', '=', 'verifications.to')
                .where('wrong_guesses.at', '>', p.since)
                .as('wrong_guesses'),
            );
      }),
      wrongGuesses: new PreparedQuery<{ accountId: string; destination: string; since: number }>((p) =>
        db.selectFrom('wrong_guesses').select(db.fn.countAll<number>().as('n')).where('account_id', '=', p.accountId).where('destination', '=', p.destination).where('at', '>', p.since),
      ),
      insertWrongGuess: new PreparedQuery<{ accountId: string; destination: string; at: number }>((p) =>
        db.insertInto('wrong_guesses').values({ account_id: p.accountId, destination: p.destination, at: p.at }),
      ),
      approve: new PreparedQuery<{ id: string; now: number }>((p) =>
        db.updateTable('verifications').set({ status: 'approved', code_sealed: null, updated_at: p.now }).where('id', '=', p.id).where('status', '=', 'pending').where('expires_at', '>', p.now),
      ),
      finish: new PreparedQuery<{ id: string; status: string; now: number; reason: string | null; providerError: string | null }>((p) =>
        db
          .updateTable('verifications')
          .set({ status: p.status, code_sealed: null, failure_reason: p.reason, failure_provider_error: p.providerError, updated_at: p.now })
          .where('id', '=', p.id)
          .where('status', '=', 'pending'),
      ),
      expire: new PreparedQuery<{ id: string; now: number }>((p) =>
        db
          .updateTable('verifications')
          .set({ status: 'expired', code_sealed: null, failure_reason: 'expired' satisfies FailureReason, updated_at: p.now })
          .where('id', '=', p.id)
          .where('status', '=', 'pending')
          .where('expires_at', '<=', p.now),
      ),
    };
  }

  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.handle.write(fn);
  }

  async insert(trx: Db, row: VerificationRow): Promise<void> {
    await trx.executeQuery(this.q.insert.bind(row));
  }

  async get(accountId: string, id: string): Promise<VerificationRow | undefined> {
    const r = await this.db.executeQuery<VerificationRow>(this.q.get.bind({ id, accountId }));
    return r.rows[0];
  }

  /** A verification by id alone, for the delivery path (which has no caller account). */
  async byId(id: string): Promise<VerificationRow | undefined> {
    return this.db.selectFrom('verifications').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /**
   * Counts one attempt before the code is compared: the row is only updated while the
   * verification is pending, unexpired and below its attempt limit. Returns the row as it is
   * after the update with its destination's wrong guesses since `since`, or undefined when no
   * attempt may be made (or the id is not this account's). Until `trx` ends, no other check of
   * the same destination gets past this point, so what the caller decides from the count holds.
   */
  async countAttempt(trx: Db, accountId: string, id: string, now: number, since: number): Promise<{ row: VerificationRow; wrongGuesses: number } | undefined> {
    const r = await trx.executeQuery<VerificationRow & { wrong_guesses?: number; guess_lock?: null }>(this.q.countAttempt.bind({ id, accountId, now, since }));
    const counted = r.rows[0];
    if (!counted) return undefined;
    const { wrong_guesses: inRow, guess_lock: _lock, ...row } = counted;
    const wrongGuesses = inRow ?? (await trx.executeQuery<{ n: number }>(this.q.wrongGuesses.bind({ accountId: row.account_id, destination: row.to, since }))).rows[0]?.n;
    return { row, wrongGuesses: Number(wrongGuesses ?? 0) };
  }

  /** Records a wrong code for the destination, in the check's own transaction. */
  async recordWrongGuess(trx: Db, accountId: string, destination: string, at: number): Promise<void> {
    await trx.executeQuery(this.q.insertWrongGuess.bind({ accountId, destination, at }));
  }

  /**
   * When the destination's guess at `index` (0 = the oldest) since `since` was made; a refused
   * check reads it to say when the window lets one more guess in.
   */
  async wrongGuessAt(trx: Db, accountId: string, destination: string, since: number, index: number): Promise<number | undefined> {
    const r = await trx
      .selectFrom('wrong_guesses')
      .select('at')
      .where('account_id', '=', accountId)
      .where('destination', '=', destination)
      .where('at', '>', since)
      .orderBy('at')
      .limit(1)
      .offset(index)
      .executeTakeFirst();
    return r?.at;
  }

  /** Deletes wrong guesses made at or before `before`, which no window counts any more. */
  async sweepWrongGuesses(before: number): Promise<number> {
    const r = await this.handle.write((trx) => trx.deleteFrom('wrong_guesses').where('at', '<=', before).executeTakeFirst());
    return Number(r.numDeletedRows);
  }

  /**
   * Moves a pending verification to `status` and drops its sealed code, recording why it failed
   * (`failure`) in the same write; true only for the caller that made the change. Approval also
   * requires the verification to be unexpired; `expiredOnly` ends it only if it really is past
   * its expiry. `also` runs in the same transaction when the change was made (the timeline entry).
   */
  async finish(id: string, status: string, now: number, extra: FinishExtra = {}, also?: (trx: Transaction<Database>) => Promise<void>): Promise<boolean> {
    return this.handle.write(async (trx) => {
      const changed = await this.finishIn(trx, id, status, now, extra);
      if (changed && also) await also(trx);
      return changed;
    });
  }

  /** `finish` inside a transaction the caller holds. */
  async finishIn(trx: Db, id: string, status: string, now: number, extra: FinishExtra = {}): Promise<boolean> {
    const query = extra.expiredOnly
      ? this.q.expire.bind({ id, now })
      : status === 'approved'
        ? this.q.approve.bind({ id, now })
        : this.q.finish.bind({ id, status, now, reason: extra.failure?.reason ?? null, providerError: extra.failure?.providerError ?? null });
    return affected(await trx.executeQuery(query)) === 1;
  }

  /** Records one more send if the cooldown has passed and sends remain. */
  async recordSend(trx: Db, id: string, channel: string, now: number, jump?: { index: number; deadline: number | null }): Promise<boolean> {
    const res = await trx
      .updateTable('verifications')
      .set({ sends: sql<number>`sends + 1`, last_sent_at: now, channel, updated_at: now, ...(jump ? { step: jump.index, step_deadline: jump.deadline } : {}) })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('expires_at', '>', now)
      .where(sql<boolean>`sends < max_sends`)
      .where(sql<boolean>`last_sent_at + resend_cooldown_s * 1000 <= ${now}`)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /**
   * Moves a pending verification from workflow step `from` to `to` (and its channel); false when
   * it is no longer at `from` (someone else moved it) or no longer pending. A step change is a send.
   */
  async moveStep(trx: Db, id: string, from: number, to: number, channel: string, deadline: number | null, now: number): Promise<boolean> {
    const res = await trx
      .updateTable('verifications')
      .set({ step: to, channel, step_deadline: deadline, sends: sql<number>`sends + 1`, last_sent_at: now, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('step', '=', from)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** Leaves a verification on workflow step `step` with no timeout, so the stepper stops looking at it. */
  async stopStepClock(id: string, step: number, now: number): Promise<void> {
    await this.handle.write((trx) =>
      trx.updateTable('verifications').set({ step_deadline: null }).where('id', '=', id).where('step', '=', step).where('status', '=', 'pending').where('step_deadline', '<=', now).execute(),
    );
  }

  /** Pending, unexpired reverse-call verifications of `to` waiting for a call to `callNumber`. */
  async awaitingCall(to: string, callNumber: string, now: number): Promise<VerificationRow[]> {
    return this.db
      .selectFrom('verifications')
      .selectAll()
      .where('to', '=', to)
      .where('call_number', '=', callNumber)
      .where('status', '=', 'pending')
      .where('channel', '=', 'reverse_call')
      .where('expires_at', '>', now)
      .limit(100)
      .execute();
  }

  /** Replaces a verification's channel data (the silent step's redirect, once the operator gave one). */
  async setChannelData(id: string, channelData: string, now: number): Promise<void> {
    await this.handle.write((trx) => trx.updateTable('verifications').set({ channel_data: channelData, updated_at: now }).where('id', '=', id).execute());
  }

  /** Pending verifications whose current workflow step has timed out. */
  async dueSteps(now: number, limit = 100): Promise<VerificationRow[]> {
    return this.db
      .selectFrom('verifications')
      .selectAll()
      .where('status', '=', 'pending')
      .where('step_deadline', 'is not', null)
      .where('step_deadline', '<=', now)
      .where('expires_at', '>', now)
      .limit(limit)
      .execute();
  }

  /** Ends every pending verification past its expiry and drops its sealed code; `also` runs in the same transaction. */
  async sweepExpired(now: number, also?: (trx: Transaction<Database>, ids: string[]) => Promise<void>): Promise<VerificationRow[]> {
    return this.handle.write(async (trx) => {
      const rows = await trx
        .updateTable('verifications')
        .set({ status: 'expired', code_sealed: null, failure_reason: 'expired' satisfies FailureReason, updated_at: now })
        .where('status', '=', 'pending')
        .where('expires_at', '<=', now)
        .returningAll()
        .execute();
      if (also && rows.length > 0)
        await also(
          trx,
          rows.map((r) => r.id),
        );
      return rows;
    });
  }
}
