import { ID_CHARS } from '../lib/ids.js';
import type { SoundCursor } from './sound-store.js';

const CURSOR = new RegExp(`^([0-9]{1,15})\\.(snd_[${ID_CHARS}]{8,40})$`);

/** An opaque page token: clients pass back what they were given and never build one. */
export function encodeCursor(last: { created_at: number; id: string }): string {
  return Buffer.from(`${last.created_at}.${last.id}`).toString('base64url');
}

/** The position a token names, or null when it is not one `encodeCursor` made. */
export function decodeCursor(token: string): SoundCursor | null {
  const m = CURSOR.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return m?.[1] && m[2] ? { createdAt: Number(m[1]), id: m[2] } : null;
}
