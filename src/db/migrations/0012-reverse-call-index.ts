import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The reverse-call lookup (`to`, `call_number`) only ever asks for verifications that wait for a
 * call, so only those are indexed. Keyed by the destination, every other start used to insert
 * into a random page of this index: one more page written per start at every commit.
 */
export const reverseCallIndex: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('verifications_call_number').ifExists().execute();
    await db.schema.createIndex('verifications_call_number').on('verifications').columns(['to', 'call_number']).where(sql.ref('call_number'), 'is not', null).execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('verifications_call_number').ifExists().execute();
    await db.schema.createIndex('verifications_call_number').on('verifications').columns(['to', 'call_number']).execute();
  },
};
