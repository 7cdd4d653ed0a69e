import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { TimelineEvent } from '../events/event-log.js';
import { maskIp } from '../lib/mask.js';
import { codeFromCallerId } from '../numbers/index.js';
import type { FailureReason } from './failure-reason.js';
import type { VerificationServiceDeps } from './verification-deps.js';
import { timeline } from './timeline.js';
import type { VerificationRow } from './verification-store.js';

/** What one check decided, inside its write unit. */
export type CheckVerdict =
  | { kind: 'refused'; row: VerificationRow; retryAfterMs: number }
  | { kind: 'approved'; row: VerificationRow }
  | { kind: 'wrong'; row: VerificationRow; status: 'pending' }
  | { kind: 'wrong'; row: VerificationRow; status: 'max_attempts' | 'blocked'; reason: FailureReason };

/**
 * Counts one attempt at `id`'s code and decides it; undefined when there is nothing to check (the
 * verification is unknown to the account, finished, expired or out of attempts).
 */
export async function judgeCode(
  d: Pick<VerificationServiceDeps, 'store' | 'hasher' | 'guessBudget' | 'timeline'>,
  accountId: string,
  id: string,
  code: string,
  now: number,
  ip: string,
): Promise<CheckVerdict | undefined> {
  const budget = d.guessBudget;
  const windowMs = budget.points > 0 ? budget.durationSec * 1000 : 0;
  const since = now - windowMs;
  // One write unit: the attempt is counted, the destination's wrong guesses in the window are
  // read, the code is compared and the outcome written, before any other check of the same
  // verification or destination gets past its count. So a right code that loses a race finds
  // the verification approved and counts nothing, and parallel wrong guesses cannot slip past
  // the budget: a guess is refused before comparison once the window holds the budget.
  const decide = async (trx: Transaction<Database>): Promise<CheckVerdict | undefined> => {
    const counted = await d.store.countAttempt(trx, accountId, id, now, since);
    // No row: the verification is unknown, finished, expired or out of attempts.
    if (!counted) return undefined;
    const { row, wrongGuesses } = counted;
    const budgeted = budget.points > 0 && !row.magic;
    if (budgeted && wrongGuesses >= budget.points) {
      // The window lets a guess in again when the guess that filled it leaves.
      const filledAt = await d.store.wrongGuessAt(trx, row.account_id, row.to, since, wrongGuesses - budget.points);
      return { kind: 'refused', row, retryAfterMs: (filledAt ?? now) + windowMs - now };
    }
    const candidate = row.channel === 'flash_call' ? (codeFromCallerId(code, row.code_length) ?? code) : code;
    if (d.hasher.verify(id, candidate, row.code_hash)) {
      // The row was counted as pending and unexpired in this transaction, so this approves it.
      await d.store.finishIn(trx, id, 'approved', now);
      return { kind: 'approved', row };
    }
    if (budgeted) await d.store.recordWrongGuess(trx, row.account_id, row.to, now);
    // A wrong guess that uses up the verification's attempts, or the destination's last guess,
    // ends the verification.
    if (row.attempts >= row.max_attempts) {
      await d.store.finishIn(trx, id, 'max_attempts', now, { failure: { reason: 'max_attempts' } });
      return { kind: 'wrong', row, status: 'max_attempts', reason: 'max_attempts' };
    }
    if (budgeted && wrongGuesses + 1 >= budget.points) {
      await d.store.finishIn(trx, id, 'blocked', now, { failure: { reason: 'guess_limit' } });
      return { kind: 'wrong', row, status: 'blocked', reason: 'guess_limit' };
    }
    return { kind: 'wrong', row, status: 'pending' };
  };
  return d.store.transaction(async (trx) => {
    const verdict = await decide(trx);
    if (verdict) await d.timeline.append(trx, checkEvents(id, verdict, ip));
    return verdict;
  });
}

/** A check on the timeline, with its attempt number and the caller's network, and how it ended the verification. */
function checkEvents(id: string, v: CheckVerdict, ip: string): TimelineEvent[] {
  const check: TimelineEvent = {
    verificationId: id,
    type: 'check',
    data: { valid: v.kind === 'approved', attempt: v.row.attempts, ip: maskIp(ip), ...(v.kind === 'refused' ? { refused: 'guess_limit' } : {}) },
  };
  if (v.kind === 'approved') return [check, timeline.ended(id, 'approved')];
  if (v.kind === 'wrong' && v.status !== 'pending') return [check, timeline.ended(id, v.status, v.reason)];
  return [check];
}
