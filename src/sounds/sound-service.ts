import type { Clock } from '../lib/clock.js';
import { inspectSound } from './sound-check.js';
import { newSoundRow, type SoundCursor, type SoundMeta, type SoundStore } from './sound-store.js';

export interface SoundLimits {
  /** Largest file in bytes. */
  maxBytes: number;
  /** Longest sound in seconds. */
  maxDurationS: number;
  /** Sounds one account may hold. */
  maxPerAccount: number;
}

/** Why an upload was refused; `detail` names what is wrong without quoting the content. */
export interface UploadRefusal {
  refused: 'too_large' | 'invalid' | 'limit';
  detail: string;
}

/**
 * Uploaded sounds as the rest of Verity uses them: the one upload rule (the content decides the
 * format, the limits hold, the account's count is checked in the same write), listing and removal.
 * The API and the vendor APIs (Zadarma's IVR sounds) both upload through it, each with its limits.
 */
export class SoundService {
  constructor(
    private readonly store: SoundStore,
    private readonly limits: SoundLimits,
    private readonly clock: Clock,
  ) {}

  async upload(accountId: string, name: string, bytes: Buffer, limits: SoundLimits = this.limits): Promise<SoundMeta | UploadRefusal> {
    if (bytes.length > limits.maxBytes) return { refused: 'too_large', detail: `at most ${limits.maxBytes} bytes` };
    const found = inspectSound(bytes, limits.maxDurationS);
    if ('problem' in found) return { refused: 'invalid', detail: found.problem };
    const row = newSoundRow(accountId, name, bytes, found, this.clock.now());
    if (!(await this.store.insert(row, limits.maxPerAccount))) return { refused: 'limit', detail: `at most ${limits.maxPerAccount} sounds` };
    const { data: _audio, ...meta } = row;
    return meta;
  }

  list(accountId: string, page: { limit: number; cursor?: SoundCursor | undefined }): Promise<SoundMeta[]> {
    return this.store.list(accountId, page);
  }

  get(accountId: string, id: string): Promise<SoundMeta | undefined> {
    return this.store.get(accountId, id);
  }

  delete(accountId: string, id: string): Promise<boolean> {
    return this.store.delete(accountId, id);
  }
}
