import { randomInt } from 'node:crypto';

/** A verification under the numeric id Message Central's clients hold (they type it as a Long). */
export interface NumberedVerification {
  number: string;
  verificationId: string;
  /** The destination as Verity normalized it (E.164 or a lower-cased address). */
  to: string;
  createdAt: number;
}

/**
 * Numeric verificationIds for Verity's verifications, per account. Verity's own ids do not fit a
 * Long, so each send is given a number and the pair is kept until the verification cannot matter.
 */
export interface VerificationNumbers {
  /** Numbers a verification just started; returns its number. */
  add(accountId: string, v: { verificationId: string; to: string; createdAt: number }): Promise<string>;
  find(accountId: string, number: string): Promise<NumberedVerification | undefined>;
  /** The newest verification numbered for `to` at or after `since`. */
  latest(accountId: string, to: string, since: number): Promise<NumberedVerification | undefined>;
  /** Forgets what was numbered before `before`. */
  purge(before: number): Promise<number>;
}

/** Twelve digits, never a leading zero: well inside a Long and a JavaScript number. */
export function newNumber(): string {
  return String(randomInt(100_000_000_000, 1_000_000_000_000));
}

/**
 * Numbers kept in this process: right for one instance and tests, lost on restart. Entries older
 * than `retentionMs` (a day past Verity's longest verification by default) go as new ones arrive.
 */
export class MemoryVerificationNumbers implements VerificationNumbers {
  private readonly byNumber = new Map<string, NumberedVerification & { accountId: string }>();
  private readonly byDestination = new Map<string, NumberedVerification>();

  constructor(
    private readonly now: () => number,
    private readonly retentionMs = 2 * 86_400_000,
    private readonly maxEntries = 100_000,
  ) {}

  async add(accountId: string, v: { verificationId: string; to: string; createdAt: number }): Promise<string> {
    const cutoff = this.now() - this.retentionMs;
    this.drop((e) => e.createdAt < cutoff, true);
    let number = newNumber();
    while (this.byNumber.has(`${accountId}\0${number}`)) number = newNumber();
    const entry = { ...v, number };
    this.byNumber.set(`${accountId}\0${number}`, { ...entry, accountId });
    this.byDestination.set(`${accountId}\0${v.to}`, entry);
    return number;
  }

  async find(accountId: string, number: string): Promise<NumberedVerification | undefined> {
    const e = this.byNumber.get(`${accountId}\0${number}`);
    return e && { number: e.number, verificationId: e.verificationId, to: e.to, createdAt: e.createdAt };
  }

  async latest(accountId: string, to: string, since: number): Promise<NumberedVerification | undefined> {
    const e = this.byDestination.get(`${accountId}\0${to}`);
    return e && e.createdAt >= since ? e : undefined;
  }

  async purge(before: number): Promise<number> {
    return this.drop((e) => e.createdAt < before, false);
  }

  /** Drops entries that `old` says to, or past the cap; `ordered` stops at the first young one (insertion is creation order). */
  private drop(old: (e: NumberedVerification) => boolean, ordered: boolean): number {
    let removed = 0;
    for (const [key, e] of this.byNumber) {
      if (!old(e) && this.byNumber.size <= this.maxEntries) {
        if (ordered) break;
        continue;
      }
      this.byNumber.delete(key);
      const dest = `${e.accountId}\0${e.to}`;
      if (this.byDestination.get(dest)?.number === e.number) this.byDestination.delete(dest);
      removed += 1;
    }
    return removed;
  }
}
