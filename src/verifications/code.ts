import { randomInt } from 'node:crypto';

/** A numeric code from the CSPRNG; randomInt draws without modulo bias. */
export function generateCode(length: number): string {
  return String(randomInt(0, 10 ** length)).padStart(length, '0');
}

export const CODE_PATTERN = /^\d{4,10}$/;
