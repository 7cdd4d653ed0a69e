import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The durable outbox: a message is due at `next_attempt_at`; a worker that claims it moves the
 * same column to the end of its lease, so a message whose worker died becomes due again. Every
 * hand-over to a provider leaves a row in `message_attempts`. Verifications may carry a workflow
 * (an ordered list of channels) whose current step times out at `step_deadline`.
 */
export const delivery: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('messages')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('messages').addColumn('next_attempt_at', 'bigint').execute();
    await db.schema.dropIndex('messages_unsent').execute();
    await db.schema.createIndex('messages_due').on('messages').column('next_attempt_at').where(sql.ref('status'), 'in', ['queued', 'sending']).execute();
    // Receipts and status callbacks name the provider's id, not ours.
    await db.schema.createIndex('messages_provider_id').on('messages').column('provider_message_id').where(sql.ref('provider_message_id'), 'is not', null).execute();

    await db.schema
      .createTable('message_attempts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('message_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull()) // order among the attempts recorded at the same time
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('result', 'text', (c) => c.notNull()) // sent | delivered | undeliverable (from the send or a later receipt) | error
      .addColumn('provider_message_id', 'text')
      .addColumn('error', 'text')
      .addColumn('retryable', 'integer')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('message_attempts_message').on('message_attempts').column('message_id').execute();

    await db.schema.alterTable('verifications').addColumn('workflow', 'text').execute();
    await db.schema
      .alterTable('verifications')
      .addColumn('step', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('verifications').addColumn('step_deadline', 'bigint').execute();
    await db.schema
      .createIndex('verifications_step_deadline')
      .on('verifications')
      .column('step_deadline')
      .where((eb) => eb.and([eb(sql.ref('status'), '=', 'pending'), eb(sql.ref('step_deadline'), 'is not', null)]))
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('verifications_step_deadline').ifExists().execute();
    await db.schema.dropTable('message_attempts').ifExists().execute();
    await db.schema.dropIndex('messages_provider_id').ifExists().execute();
    await db.schema.dropIndex('messages_due').ifExists().execute();
  },
};
