import type { Kysely, Migration } from 'kysely';

/** A service's default workflow, and the workflow step each message was sent for. */
export const workflows: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('services').addColumn('workflow', 'text').execute();
    await db.schema
      .alterTable('messages')
      .addColumn('step', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('messages').dropColumn('step').execute();
    await db.schema.alterTable('services').dropColumn('workflow').execute();
  },
};
