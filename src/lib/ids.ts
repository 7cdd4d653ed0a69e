import { randomBytesPooled } from './random-pool.js';

// 58 characters: digits and letters without the look-alikes O, I and l.
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const TIME_CHARS = 8; // 58^8 ms reaches past the year 5000
const RANDOM_CHARS = 14; // about 82 bits

/**
 * A public identifier such as `ver_1Hq3…`: 8 characters of creation time, so new rows land at
 * the end of their B-tree instead of splitting pages all over it, then 14 random characters,
 * so ids cannot be guessed.
 */
export function newId(prefix: string): string {
  return `${prefix}_${digits(Date.now(), TIME_CHARS)}${randomChars(RANDOM_CHARS)}`;
}

/** `n` in base 58, `width` characters, so that text order is number order. */
function digits(n: number, width: number): string {
  let out = '';
  for (let i = 0; i < width; i++) {
    out = ALPHABET[n % 58] + out;
    n = Math.floor(n / 58);
  }
  return out;
}

function randomChars(count: number): string {
  let rand = '';
  // Rejection sampling keeps every character uniform: bytes ≥ 232 (4 × 58) are skipped.
  while (rand.length < count) {
    for (const b of randomBytesPooled(count)) {
      if (b < 232 && rand.length < count) rand += ALPHABET[b % 58];
    }
  }
  return rand;
}

/** The characters after the prefix, as a regular-expression class body. */
export const ID_CHARS = '0-9A-HJ-NP-Za-km-z';

let sequence = 0;
/** This process's mark on the ids it orders (see `sequentialId`), drawn once. */
let processTag: string | undefined;

/**
 * An id that sorts in the order this process made them: 8 characters of `at` (ms), 4 of a
 * counter, then 10 random characters drawn once per process, so two processes appending in the
 * same millisecond cannot make the same id. Rows of one append share `at` and still sort as
 * appended. Not for anything that must be unguessable (see `newId`).
 */
export function sequentialId(prefix: string, at: number): string {
  const seq = sequence;
  sequence = (sequence + 1) % 58 ** 4;
  processTag ??= randomChars(10);
  return `${prefix}_${digits(at, TIME_CHARS)}${digits(seq, 4)}${processTag}`;
}
