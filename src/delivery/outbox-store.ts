import { sql, type Transaction } from 'kysely';
import { MESSAGE_COLUMNS, placeholderRow } from '../db/columns.js';
import type { DatabaseHandle } from '../db/database.js';
import { claimDue, nextDue } from '../db/due-queue.js';
import { PreparedQuery } from '../db/prepared.js';
import type { Database, MessageAttemptTable, MessageTable } from '../db/schema.js';
import { newId } from '../lib/ids.js';
import type { DeliveryOutcome } from '../kernel/message.js';

export type MessageRow = MessageTable;

/** Runs in the transaction of a change, when the change was made (the verification's timeline entries). */
type Also = (trx: Transaction<Database>) => Promise<void>;

export interface AttemptRecord {
  provider: string;
  result: 'sent' | 'delivered' | 'undeliverable' | 'error';
  providerMessageId?: string | null | undefined;
  error?: string | null | undefined;
  retryable?: boolean | undefined;
  /** How long the provider took to answer (kept on the timeline, not in the attempt log). */
  durationMs?: number | undefined;
}

/** SQL of the delivery outbox: queueing messages, claiming due ones, recording attempts and their outcomes. */
export class OutboxStore {
  private readonly insert: PreparedQuery<MessageTable>;

  constructor(private readonly handle: DatabaseHandle) {
    // On the request path of every start: prepared once (see PreparedQuery).
    this.insert = new PreparedQuery<MessageTable>((p) => handle.db.insertInto('messages').values(placeholderRow(p, MESSAGE_COLUMNS)));
  }

  /** Writes a message in the caller's transaction, beside the state change that sends it. */
  async enqueue(trx: Transaction<Database>, row: MessageTable): Promise<void> {
    await trx.executeQuery(this.insert.bind(row));
  }

  /** Claims due messages for `leaseMs` (see claimDue). */
  claim(now: number, leaseMs: number, limit: number): Promise<MessageRow[]> {
    return claimDue(this.handle, 'messages', now, leaseMs, limit);
  }

  nextDue(): Promise<number | undefined> {
    return nextDue(this.handle, 'messages');
  }

  async get(id: string): Promise<MessageRow | undefined> {
    return this.handle.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
  }

  byProviderId(provider: string, providerMessageId: string): Promise<MessageRow | undefined> {
    return this.handle.db.selectFrom('messages').selectAll().where('provider', '=', provider).where('provider_message_id', '=', providerMessageId).executeTakeFirst();
  }

  async attempts(messageId: string): Promise<MessageAttemptTable[]> {
    return this.handle.db.selectFrom('message_attempts').selectAll().where('message_id', '=', messageId).orderBy('created_at').orderBy('seq').execute();
  }

  /** The provider took the message: the sealed payload (it holds the code) is dropped. */
  async markSent(id: string, provider: string, providerMessageId: string, status: DeliveryOutcome, now: number, attempts: AttemptRecord[], also?: Also): Promise<boolean> {
    return this.handle.write(async (trx) => {
      const res = await trx
        .updateTable('messages')
        .set({ status, provider, provider_message_id: providerMessageId, payload_sealed: null, next_attempt_at: null, error: null, updated_at: now })
        .where('id', '=', id)
        .where('status', '=', 'sending')
        .executeTakeFirst();
      for (const [i, a] of attempts.entries()) await this.insertAttempt(trx, id, a, now, i);
      const changed = Number(res.numUpdatedRows) === 1;
      if (changed) await also?.(trx);
      return changed;
    });
  }

  /** Back in the queue until `at`, after a retryable failure. */
  async reschedule(id: string, at: number, error: string, now: number, attempts: AttemptRecord[], opts: { refund?: boolean } = {}, also?: Also): Promise<void> {
    await this.handle.write(async (trx) => {
      await trx
        .updateTable('messages')
        .set({ status: 'queued', next_attempt_at: at, error, updated_at: now, ...(opts.refund ? { attempts: sql<number>`attempts - 1` } : {}) })
        .where('id', '=', id)
        .where('status', '=', 'sending')
        .execute();
      for (const [i, a] of attempts.entries()) await this.insertAttempt(trx, id, a, now, i);
      await also?.(trx);
    });
  }

  /** Given up: permanent refusal or the last attempt spent. True only for the caller that made the change. */
  async markFailed(id: string, error: string, now: number, attempts: AttemptRecord[], also?: Also): Promise<boolean> {
    return this.handle.write(async (trx) => {
      const res = await trx
        .updateTable('messages')
        .set({ status: 'failed', error, payload_sealed: null, next_attempt_at: null, updated_at: now })
        .where('id', '=', id)
        .where('status', 'in', ['queued', 'sending'])
        .executeTakeFirst();
      for (const [i, a] of attempts.entries()) await this.insertAttempt(trx, id, a, now, i);
      const changed = Number(res.numUpdatedRows) === 1;
      if (changed) await also?.(trx);
      return changed;
    });
  }

  /**
   * Applies a delivery receipt to the message the provider knows by `providerMessageId`. A receipt
   * only moves a message forward (sent → delivered | undeliverable); a repeated or late one changes
   * nothing. Returns the message when this call changed it.
   */
  async applyReceipt(
    provider: string,
    providerMessageId: string,
    status: DeliveryOutcome,
    errorCode: string | undefined,
    now: number,
    also?: (trx: Transaction<Database>, row: MessageRow) => Promise<void>,
  ): Promise<MessageRow | undefined> {
    if (status === 'sent') return undefined;
    return this.handle.write(async (trx) => {
      const row = await trx
        .updateTable('messages')
        .set({ status, error: status === 'undeliverable' ? (errorCode ?? 'UNDELIVERABLE') : null, updated_at: now })
        .where('provider_message_id', '=', providerMessageId)
        .where('provider', '=', provider)
        .where('status', '=', 'sent')
        .returningAll()
        .executeTakeFirst();
      if (row) {
        await this.insertAttempt(trx, row.id, { provider, result: status, providerMessageId, error: errorCode ?? null }, now, 0);
        await also?.(trx, row);
      }
      return row;
    });
  }

  private async insertAttempt(trx: Parameters<Parameters<DatabaseHandle['write']>[0]>[0], messageId: string, a: AttemptRecord, now: number, seq: number): Promise<void> {
    await trx
      .insertInto('message_attempts')
      .values({
        id: newId('att'),
        message_id: messageId,
        seq,
        provider: a.provider,
        result: a.result,
        provider_message_id: a.providerMessageId ?? null,
        error: a.error ?? null,
        retryable: a.retryable === undefined ? null : a.retryable ? 1 : 0,
        created_at: now,
      })
      .execute();
  }

  /** Deletes the messages of these verifications and their attempt logs (retention). */
  async forget(trx: Transaction<Database>, verificationIds: readonly string[]): Promise<void> {
    if (verificationIds.length === 0) return;
    const messages = trx.selectFrom('messages').select('id').where('verification_id', 'in', verificationIds);
    await trx.deleteFrom('message_attempts').where('message_id', 'in', messages).execute();
    await trx.deleteFrom('messages').where('verification_id', 'in', verificationIds).execute();
  }

  async pseudonymize(trx: Transaction<Database>, verificationId: string, pseudonym: string): Promise<void> {
    await trx.updateTable('messages').set({ to: pseudonym }).where('verification_id', '=', verificationId).execute();
  }
}
