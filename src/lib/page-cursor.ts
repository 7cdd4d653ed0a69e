import { ID_CHARS } from './ids.js';

/** A position in a list ordered by creation time, then id: the last row of the page before. */
export interface PageCursor {
  createdAt: number;
  id: string;
}

/** An opaque page token: clients pass back what they were given and never build one. */
export function encodeCursor(last: { created_at: number; id: string }): string {
  return Buffer.from(`${last.created_at}.${last.id}`).toString('base64url');
}

/** The position a token names, or null when it is not one `encodeCursor` made for ids with `prefix` (`snd`, `ver`). */
export function decodeCursor(token: string, prefix: string): PageCursor | null {
  const m = new RegExp(`^([0-9]{1,15})\\.(${prefix}_[${ID_CHARS}]{8,40})$`).exec(Buffer.from(token, 'base64url').toString('utf8'));
  return m?.[1] && m[2] ? { createdAt: Number(m[1]), id: m[2] } : null;
}
