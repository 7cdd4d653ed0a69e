import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

interface Hooks {
  before: Array<(trx: Transaction<Database>) => Promise<void>>;
  after: Array<() => void>;
}

const pending = new WeakMap<Transaction<Database>, Hooks>();

function hooksOf(trx: Transaction<Database>): Hooks {
  const h = pending.get(trx);
  // Work left for a commit that never runs it would be lost without a word.
  if (!h) throw new Error('commit hooks need a transaction begun by DatabaseHandle.write');
  return h;
}

/**
 * Runs `fn` in `trx` after its last unit of work and before it commits: what several units (a
 * group commit's) gathered is written once. Only transactions begun by `DatabaseHandle.write`
 * run these hooks.
 */
export function beforeCommit(trx: Transaction<Database>, fn: (trx: Transaction<Database>) => Promise<void>): void {
  hooksOf(trx).before.push(fn);
}

/** Runs `fn` once `trx` has committed; never if it rolled back (a unit retried alone registers again). */
export function afterCommit(trx: Transaction<Database>, fn: () => void): void {
  hooksOf(trx).after.push(fn);
}

/** A transaction whose hooks run: `work`, the before-commit hooks, the commit, the after-commit hooks. */
export async function committed<T>(db: Kysely<Database>, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  const hooks: Hooks = { before: [], after: [] };
  const value = await db.transaction().execute(async (trx) => {
    pending.set(trx, hooks);
    const v = await work(trx);
    // A before-commit hook may register another (it is run too).
    for (let i = 0; i < hooks.before.length; i++) await (hooks.before[i] as (t: Transaction<Database>) => Promise<void>)(trx);
    return v;
  });
  for (const fn of hooks.after) fn();
  return value;
}
