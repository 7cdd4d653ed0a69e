import type { Transaction } from 'kysely';
import type { Database, MessageTable } from '../db/schema.js';
import type { MessageRow, OutboxStore } from './outbox-store.js';

/**
 * The outbox as the rest of Verity sees it: the one way a message is queued (in the transaction of
 * the state change that sends it) and read back. The delivery worker, built after the
 * verifications that fill it, hears each message queued on this instance and sends it at once.
 */
export class Outbox {
  private readonly listeners: Array<() => void> = [];

  constructor(private readonly store: OutboxStore) {}

  /** Queues a message in `trx`; call `wake()` after the transaction commits. */
  enqueue(trx: Transaction<Database>, row: MessageTable): Promise<void> {
    return this.store.enqueue(trx, row);
  }

  /** Tells the worker on this instance that a message was queued. */
  wake(): void {
    for (const l of this.listeners) l();
  }

  onQueued(listener: () => void): void {
    this.listeners.push(listener);
  }

  get(id: string): Promise<MessageRow | undefined> {
    return this.store.get(id);
  }

  /** Retention: what the outbox keeps about verifications, deleted or pseudonymized with them. */
  forget(trx: Transaction<Database>, verificationIds: readonly string[]): Promise<void> {
    return this.store.forget(trx, verificationIds);
  }

  pseudonymize(trx: Transaction<Database>, verificationId: string, pseudonym: string): Promise<void> {
    return this.store.pseudonymize(trx, verificationId, pseudonym);
  }

  /** A message by the id its provider gave it, for a provider's callback. */
  byProviderId(provider: string, providerMessageId: string): Promise<MessageRow | undefined> {
    return this.store.byProviderId(provider, providerMessageId);
  }
}
export type { MessageRow } from './outbox-store.js';
