import { inspectMp3 } from './mp3-check.js';
import type { SoundCheck } from './sound-format.js';
import { inspectWav, isWav } from './wav-check.js';

export type { SoundCheck, SoundContentType } from './sound-format.js';

/** Longest sound accepted unless the caller says otherwise: a call prompt, not music on hold. */
export const DEFAULT_MAX_DURATION_S = 120;

/**
 * What an uploaded file really is, decided from its bytes alone: the declared content type and
 * the file name are the uploader's claims, and a telephony provider fed anything but WAV or MP3
 * fails the call. A problem names what is wrong without quoting the content.
 */
export function inspectSound(bytes: Buffer, maxDurationS = DEFAULT_MAX_DURATION_S): SoundCheck {
  if (bytes.length === 0) return { problem: 'the file is empty' };
  const found = isWav(bytes) ? inspectWav(bytes) : inspectMp3(bytes);
  if ('problem' in found) return found;
  if (found.durationMs > maxDurationS * 1000) {
    return { problem: `the sound lasts ${(found.durationMs / 1000).toFixed(1)} s; at most ${maxDurationS} s is allowed` };
  }
  return found;
}
