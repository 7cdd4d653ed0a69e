import { randomBytes } from 'node:crypto';

// 58 characters: digits and letters without the look-alikes O, I and l.
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** A random public identifier such as `ver_3nF…`: 20 base58 characters, about 117 bits. */
export function newId(prefix: string, length = 20): string {
  const bytes = randomBytes(length);
  let out = `${prefix}_`;
  // 256 is not a multiple of 58; the bias this leaves is irrelevant for identifiers (they are not secrets).
  for (const b of bytes) out += ALPHABET[b % 58];
  return out;
}

/** The characters after the prefix, as a regular-expression class body. */
export const ID_CHARS = '0-9A-HJ-NP-Za-km-z';
