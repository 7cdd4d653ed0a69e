import { createHmac } from 'node:crypto';

const PREFIX = 'pii:';

/**
 * What a destination becomes after PII_RETENTION_DAYS: a keyed hash (HMAC-SHA256 under a key
 * derived for this use alone), so the same number always gives the same pseudonym and a search by
 * `to` still finds it, but the number cannot be read back or guessed from the row; and, for a
 * phone number, its last two digits, which a person can recognize.
 */
export class Pseudonyms {
  constructor(private readonly key: Buffer) {}

  of(to: string): string {
    const hash = createHmac('sha256', this.key).update(to).digest('base64url').slice(0, 22);
    return `${PREFIX}${hash}:${to.startsWith('+') ? to.slice(-2) : ''}`;
  }
}

export function isPseudonym(to: string): boolean {
  return to.startsWith(PREFIX);
}

/** How the API shows a pseudonymized destination: its last two digits, if it kept any. */
export function shownDestination(to: string): string {
  return isPseudonym(to) ? `***${to.slice(to.lastIndexOf(':') + 1)}` : to;
}
