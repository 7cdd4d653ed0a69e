import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Clock } from '../lib/clock.js';
import type { Pseudonyms } from './pseudonym.js';
import type { RetentionStore } from './retention-store.js';

/** What another capability keeps about verifications, and how it lets go of it. */
export interface KeepsVerificationData {
  /** Deletes what it holds about these verifications, in the caller's transaction. */
  forget(trx: Transaction<Database>, verificationIds: readonly string[]): Promise<void>;
  /** Replaces the destination it holds for this verification with its pseudonym; absent when it holds none. */
  pseudonymize?(trx: Transaction<Database>, verificationId: string, pseudonym: string): Promise<void>;
}

export interface RetentionSettings {
  days: number;
  piiDays: number;
}

const BATCH = 500;
/** Batches of each kind per sweep: a backlog drains over several sweeps instead of one long one. */
const BATCHES = 20;
const DAY_MS = 86_400_000;

/**
 * RETENTION_DAYS and PII_RETENTION_DAYS, enforced by the periodic sweep on either database: the
 * oldest verifications go with everything kept about them (timeline, messages and attempts,
 * calls), and past the PII age a destination becomes its pseudonym wherever it is kept, in the
 * same transaction, a batch at a time.
 */
export class Retention {
  constructor(
    private readonly store: RetentionStore,
    private readonly keepers: () => readonly KeepsVerificationData[],
    private readonly pseudonyms: Pseudonyms,
    private readonly clock: Clock,
    private readonly s: RetentionSettings,
  ) {}

  async sweep(): Promise<{ deleted: number; pseudonymized: number }> {
    const now = this.clock.now();
    let deleted = 0;
    for (let i = 0; i < BATCHES; i++) {
      const ids = await this.store.olderThan(now - this.s.days * DAY_MS, BATCH);
      if (ids.length === 0) break;
      await this.store.transaction(async (trx) => {
        for (const k of this.keepers()) await k.forget(trx, ids);
        await this.store.delete(trx, ids);
      });
      deleted += ids.length;
    }
    let pseudonymized = 0;
    for (let i = 0; i < BATCHES; i++) {
      const rows = await this.store.readable(now - this.s.piiDays * DAY_MS, BATCH);
      if (rows.length === 0) break;
      await this.store.transaction(async (trx) => {
        for (const r of rows) {
          const pseudonym = this.pseudonyms.of(r.to);
          for (const k of this.keepers()) await k.pseudonymize?.(trx, r.id, pseudonym);
          await this.store.setDestination(trx, r.id, pseudonym);
        }
      });
      pseudonymized += rows.length;
    }
    return { deleted, pseudonymized };
  }
}
