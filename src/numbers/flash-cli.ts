/**
 * A flash call is a missed call whose caller ID carries the code in its last digits. A pool entry
 * is either a full number, whose own last digits are the code, or a pattern such as
 * `+4420794600XXXX`, whose X are filled with a freshly generated code.
 */

/**
 * How many trailing digits of a full number are its code. Four: the security of a full-number pool
 * lies in which number is picked, not in the digits' length, and four is the fewest the app reads.
 */
export const FULL_NUMBER_CODE_LENGTH = 4;

const wildcards = (entry: string): number => /X*$/.exec(entry.toUpperCase())?.[0].length ?? 0;

/** The code length an entry carries: its number of X, or FULL_NUMBER_CODE_LENGTH for a full number. */
export function flashCodeLength(entry: string): number {
  return wildcards(entry) || FULL_NUMBER_CODE_LENGTH;
}

/** The caller ID to present: the pattern with its X replaced by the code; a full number as it is. */
export function flashCli(entry: string, code: string): string {
  const n = wildcards(entry);
  if (n === 0) return entry;
  // A mismatch is a caller's bug; the message leaves the code out since it may be logged.
  if (code.length !== n || !/^\d+$/.test(code)) throw new Error(`a flash-call pattern with ${n} X needs a code of ${n} digits`);
  return entry.slice(0, entry.length - n) + code;
}

/** The code a full-number entry stands for (its last `codeLength` digits); undefined for a pattern, whose code is generated. */
export function flashCodeOf(entry: string, codeLength: number): string | undefined {
  if (wildcards(entry) > 0) return undefined;
  const digits = entry.replace(/\D/g, '');
  return digits.length >= codeLength ? digits.slice(-codeLength) : undefined;
}

// What a phone shows for a caller: an optional leading +, digits, spaces, dashes and parentheses.
const CALLER_ID = /^\+?[\d\s\-()]+$/;

/**
 * The code in a caller ID the app reports: the whole number as the phone shows it
 * (`+44 20 7946-0123`) or just its last digits (`0123`). Undefined when it holds anything but a
 * phone number's characters or has fewer digits than the code.
 */
export function codeFromCallerId(reported: string, codeLength: number): string | undefined {
  const text = reported.trim();
  if (!CALLER_ID.test(text)) return undefined;
  const digits = text.replace(/\D/g, '');
  return digits.length >= codeLength ? digits.slice(-codeLength) : undefined;
}
