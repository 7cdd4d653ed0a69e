import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.js';

export type WriteWork<T> = (trx: Transaction<Database>) => Promise<T>;

interface Pending {
  work: WriteWork<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

const SAVEPOINT = CompiledQuery.raw('savepoint unit');
const RELEASE = CompiledQuery.raw('release unit');
const ROLLBACK_TO = CompiledQuery.raw('rollback to unit');
const MAX_BATCH = 256;

/**
 * Group commit for SQLite. SQLite has one writer and a commit costs more than the statements in
 * it, so the writes that arrive while a commit is under way are run together in the next
 * transaction, each inside its own savepoint: a unit that fails rolls back alone, and every
 * caller is answered only after the commit that made its writes durable.
 */
export class WriteBatcher {
  private queue: Pending[] = [];
  private draining = false;

  constructor(private readonly db: Kysely<Database>) {}

  run<T>(work: WriteWork<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (!this.draining) {
        this.draining = true;
        // One turn of the event loop lets concurrent requests join the batch.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      const settle: Array<() => void> = [];
      try {
        await this.db.transaction().execute(async (trx) => {
          if (batch.length === 1) {
            const p = batch[0] as Pending;
            const value = await p.work(trx);
            settle.push(() => p.resolve(value));
            return;
          }
          for (const p of batch) {
            await trx.executeQuery(SAVEPOINT);
            try {
              const value = await p.work(trx);
              await trx.executeQuery(RELEASE);
              settle.push(() => p.resolve(value));
            } catch (err) {
              await trx.executeQuery(ROLLBACK_TO);
              await trx.executeQuery(RELEASE);
              settle.push(() => p.reject(err));
            }
          }
        });
        for (const s of settle) s();
      } catch (err) {
        // The commit itself failed (or the lone unit threw): nothing in the batch was written.
        for (const p of batch) p.reject(err);
      }
    }
    this.draining = false;
  }
}
