import type { SoundCheck } from './sound-format.js';

// Layer III bit rates in kbit/s by bitrate index; 0 (free format) and 15 are not playable here.
const KBPS_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const KBPS_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
// Sample rates by version bits (0: MPEG 2.5, 2: MPEG 2, 3: MPEG 1) and rate index.
const RATES: Record<number, number[]> = { 0: [11025, 12000, 8000], 2: [22050, 24000, 16000], 3: [44100, 48000, 32000] };

export interface FrameHeader {
  version: number; // the two version bits: 3 = MPEG 1, 2 = MPEG 2, 0 = MPEG 2.5
  sampleRate: number;
  samples: number; // per frame
  length: number; // bytes, header included
  mono: boolean;
}

/** The MPEG audio layer III frame header at `at`, or undefined when those 4 bytes are not one. */
export function frameHeader(bytes: Buffer, at: number): FrameHeader | undefined {
  if (at + 4 > bytes.length) return undefined;
  const [b0, b1, b2, b3] = [bytes[at] ?? 0, bytes[at + 1] ?? 0, bytes[at + 2] ?? 0, bytes[at + 3] ?? 0];
  if (b0 !== 0xff || (b1 & 0xe0) !== 0xe0) return undefined;
  const version = (b1 >> 3) & 3;
  const layer = (b1 >> 1) & 3;
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 3;
  if (version === 1 || layer !== 1 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3 || (b3 & 3) === 2) return undefined;
  const sampleRate = RATES[version]?.[rateIndex] ?? 0;
  const kbps = (version === 3 ? KBPS_V1 : KBPS_V2)[bitrateIndex] ?? 0;
  const samples = version === 3 ? 1152 : 576;
  const length = Math.floor(((samples / 8) * kbps * 1000) / sampleRate) + ((b2 >> 1) & 1);
  return { version, sampleRate, samples, length, mono: b3 >> 6 === 3 };
}

/** Bytes of an ID3v2 tag at the start (0 when there is none), or a problem when it is malformed. */
function id3Length(bytes: Buffer): number | { problem: string } {
  if (bytes.length < 10 || bytes.toString('latin1', 0, 3) !== 'ID3') return 0;
  const size = bytes.subarray(6, 10);
  if (size.some((b) => b >= 0x80) || (bytes[3] ?? 0xff) === 0xff) return { problem: 'the MP3 file has a malformed ID3 tag' };
  const footer = ((bytes[5] ?? 0) & 0x10) !== 0 ? 10 : 0;
  const total = 10 + footer + (((size[0] ?? 0) << 21) | ((size[1] ?? 0) << 14) | ((size[2] ?? 0) << 7) | (size[3] ?? 0));
  return total > bytes.length ? { problem: 'the MP3 ID3 tag is longer than the file (truncated upload?)' } : total;
}

/** A Xing/Info header: the first frame carries no audio, only stream information. */
function isInfoFrame(bytes: Buffer, at: number, h: FrameHeader): boolean {
  const sideInfo = h.version === 3 ? (h.mono ? 17 : 32) : h.mono ? 9 : 17;
  const tag = bytes.toString('latin1', at + 4 + sideInfo, at + 8 + sideInfo);
  return tag === 'Xing' || tag === 'Info';
}

/** What may follow the last frame: an ID3v1 or APE tag, or zero padding. */
function isTrailer(rest: Buffer): boolean {
  if (rest.length === 128 && rest.toString('latin1', 0, 3) === 'TAG') return true;
  if (rest.toString('latin1', 0, 8) === 'APETAGEX') return true;
  return rest.every((b) => b === 0);
}

/**
 * MPEG layer III: after an optional ID3v2 tag, frames follow one another, each starting where the
 * previous one's computed length ends. At least two must, so that random bytes that happen to
 * start with a sync word are not taken for audio; every frame must keep the first one's version
 * and sample rate. The duration is the sum of the frames' samples.
 */
export function inspectMp3(bytes: Buffer): SoundCheck {
  const start = id3Length(bytes);
  if (typeof start !== 'number') return start;
  let at = start;
  // Some taggers pad with zeros past the tag's declared size.
  while (at < bytes.length && bytes[at] === 0) at++;
  const first = frameHeader(bytes, at);
  if (!first) return { problem: start > 0 ? 'no MPEG layer III frame follows the ID3 tag' : 'the file is neither WAV (RIFF/WAVE) nor MP3 (MPEG layer III)' };
  let frames = 0;
  let samples = 0;
  for (let h: FrameHeader | undefined = first; h; h = frameHeader(bytes, at)) {
    if (h.version !== first.version || h.sampleRate !== first.sampleRate) return { problem: 'the MP3 frames change version or sample rate midway' };
    if (at + h.length > bytes.length) {
      // A cut-off last frame still shows, by its header, that the stream goes on; it adds no time.
      if (frames === 0) return { problem: 'the MP3 file is truncated inside its first frame' };
      frames++;
      at = bytes.length;
      break;
    }
    if (!(frames === 0 && isInfoFrame(bytes, at, h))) samples += h.samples;
    frames++;
    at += h.length;
  }
  if (frames < 2) return { problem: 'the MP3 file does not hold two consecutive MPEG frames' };
  if (at < bytes.length && !isTrailer(bytes.subarray(at))) return { problem: 'the MP3 file has bytes that are not MPEG frames after its audio' };
  const durationMs = Math.floor((samples * 1000) / first.sampleRate);
  return durationMs > 0 ? { contentType: 'audio/mpeg', durationMs } : { problem: 'the MP3 file holds no audio' };
}
