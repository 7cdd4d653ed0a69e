import type { Kysely, Migration } from 'kysely';

/**
 * Calls and the numbers behind them: the number a reverse-call verification waits for and the
 * device a silent one names (on the verification), every call Verity placed or received, the
 * inbound-number and flash-call pools, uploaded sounds, and the sandbox's virtual phone calls.
 */
export const calls: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('verifications').addColumn('call_number', 'text').execute();
    await db.schema.alterTable('verifications').addColumn('channel_data', 'text').execute();
    await db.schema.createIndex('verifications_call_number').on('verifications').columns(['to', 'call_number']).execute();

    await db.schema
      .createTable('calls')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('verification_id', 'text')
      .addColumn('message_id', 'text')
      .addColumn('direction', 'text', (c) => c.notNull()) // outbound | inbound
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('provider_call_id', 'text', (c) => c.notNull())
      .addColumn('from', 'text', (c) => c.notNull())
      .addColumn('to', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull()) // ringing | answered | ended
      .addColumn('digits', 'text')
      .addColumn('disposition', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('calls_provider_call').unique().on('calls').columns(['provider', 'provider_call_id']).execute();
    await db.schema.createIndex('calls_verification').on('calls').columns(['verification_id']).execute();

    await db.schema
      .createTable('inbound_numbers')
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('number', 'text', (c) => c.notNull()) // E.164; a flash-call CLI may end in X wildcards
      .addColumn('purpose', 'text', (c) => c.notNull()) // reverse_call | flash_call
      .addColumn('country', 'text', (c) => c.notNull()) // ISO 3166 alpha-2 the number serves, or '*'
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('inbound_numbers_pk', ['account_id', 'purpose', 'number'])
      .execute();

    await db.schema
      .createTable('sounds')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('content_type', 'text', (c) => c.notNull()) // audio/wav | audio/mpeg
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('duration_ms', 'integer', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull()) // base64: one column type on both databases
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sounds_account').on('sounds').columns(['account_id', 'created_at']).execute();

    await db.schema
      .createTable('sandbox_calls')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('verification_id', 'text')
      .addColumn('message_id', 'text')
      .addColumn('direction', 'text', (c) => c.notNull()) // outbound: rings the virtual phone; inbound: dialled by it
      .addColumn('channel', 'text')
      .addColumn('from', 'text', (c) => c.notNull())
      .addColumn('to', 'text', (c) => c.notNull())
      .addColumn('script', 'text', (c) => c.notNull()) // JSON CallStep[]
      .addColumn('status', 'text', (c) => c.notNull()) // ringing | answered | ended
      .addColumn('digits', 'text')
      .addColumn('disposition', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sandbox_calls_phone').on('sandbox_calls').columns(['account_id', 'to', 'created_at']).execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    for (const t of ['sandbox_calls', 'sounds', 'inbound_numbers', 'calls']) await db.schema.dropTable(t).ifExists().execute();
    await db.schema.dropIndex('verifications_call_number').ifExists().execute();
    await db.schema.alterTable('verifications').dropColumn('channel_data').execute();
    await db.schema.alterTable('verifications').dropColumn('call_number').execute();
  },
};
