import type { Kysely, Transaction } from 'kysely';
import { committed } from './commit-hooks.js';
import type { Database } from './schema.js';

/**
 * A unit of writes. It may be run more than once (see WriteBatcher), so it must touch nothing
 * but the transaction it is given, and must not read through the pool: on SQLite that waits
 * for the very connection the unit holds.
 */
export type WriteWork<T> = (trx: Transaction<Database>) => Promise<T>;

interface Pending {
  work: WriteWork<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

const MAX_BATCH = 256;

/**
 * Group commit for SQLite. SQLite has one writer and a commit costs more than the statements in
 * it, so the units of work that arrive while a commit is under way run together in the next
 * transaction, and each caller is answered only after the commit that made its writes durable.
 * Units rarely fail (a refused debit, a lost race); when one does, the batch is rolled back and
 * each unit runs again in a transaction of its own, so a failure affects only its own caller.
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
      if (batch.length === 1 || !(await this.together(batch))) {
        for (const p of batch) await this.alone(p);
      }
    }
    this.draining = false;
  }

  /** Runs the batch in one transaction; false (and nothing written) if any unit failed. */
  private async together(batch: Pending[]): Promise<boolean> {
    const values: unknown[] = [];
    try {
      await committed(this.db, async (trx) => {
        for (const p of batch) values.push(await p.work(trx));
      });
    } catch {
      return false;
    }
    for (const [i, p] of batch.entries()) p.resolve(values[i]);
    return true;
  }

  private async alone(p: Pending): Promise<void> {
    try {
      p.resolve(await committed(this.db, p.work));
    } catch (err) {
      p.reject(err);
    }
  }
}
