import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'; // base58: no 0/O, I/l look-alikes

/** A random public identifier such as `ver_3nF…`: 20 base58 characters, about 117 bits. */
export function newId(prefix: string, length = 20): string {
  const bytes = randomBytes(length);
  let out = `${prefix}_`;
  // 256 is not a multiple of 58; the bias this leaves is irrelevant for identifiers (they are not secrets).
  for (const b of bytes) out += ALPHABET[b % 58];
  return out;
}

export const ID_PATTERN = '^[a-z]{2,4}_[1-9A-HJ-NP-Za-km-z]{8,40}$';
