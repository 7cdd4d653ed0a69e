import type { Kysely, Migration } from 'kysely';

/**
 * Wrong codes per destination, one row each, counted over a sliding window by the check path
 * (LIMIT_GUESS_PER_DESTINATION). In the main database, the budget survives a restart and is shared
 * by every instance; wrong codes are rare, so a row each costs little. The destination is kept as
 * the verification keeps it (E.164 or a lower-cased address), under its account.
 */
export const wrongGuesses: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('wrong_guesses')
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('destination', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .execute();
    // A check counts one destination's guesses since the window's start: an index range only.
    await db.schema.createIndex('wrong_guesses_destination').on('wrong_guesses').columns(['account_id', 'destination', 'at']).execute();
    // The sweeper deletes guesses older than the window.
    await db.schema.createIndex('wrong_guesses_at').on('wrong_guesses').columns(['at']).execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('wrong_guesses').ifExists().execute();
  },
};
