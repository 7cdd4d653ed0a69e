import type { SoundCheck } from './sound-format.js';

const PCM = 1;
const A_LAW = 6;
const MU_LAW = 7;
const EXTENSIBLE = 0xfffe;
// The GUID every WAVE_FORMAT_EXTENSIBLE sub-format ends with; its first two bytes are the format tag.
const KSDATAFORMAT_TAIL = Buffer.from('000000001000800000aa00389b71', 'hex');

interface Format {
  tag: number;
  channels: number;
  sampleRate: number;
  byteRate: number;
  blockAlign: number;
  bits: number;
}

export function isWav(bytes: Buffer): boolean {
  return bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WAVE';
}

/**
 * A RIFF/WAVE file: the chunks are walked in order, a `fmt ` chunk must come before `data`, and
 * the duration is the data size over the byte rate. Only what telephony providers play is taken:
 * PCM, a-law or mu-law, mono or stereo, 8 to 48 kHz.
 */
export function inspectWav(bytes: Buffer): SoundCheck {
  let format: Format | undefined;
  let at = 12;
  while (at + 8 <= bytes.length) {
    const id = bytes.toString('latin1', at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + size > bytes.length) return { problem: 'the WAV fmt chunk is truncated' };
      const parsed = readFormat(bytes, body, size);
      if ('problem' in parsed) return parsed;
      format = parsed;
    } else if (id === 'data') {
      if (!format) return { problem: 'the WAV data chunk comes before its fmt chunk' };
      if (size === 0) return { problem: 'the WAV file holds no audio' };
      if (body + size > bytes.length) return { problem: 'the WAV data chunk is longer than the file (truncated upload?)' };
      const durationMs = Math.floor((size * 1000) / format.byteRate);
      if (durationMs === 0) return { problem: 'the WAV file holds no audio' };
      return { contentType: 'audio/wav', durationMs };
    }
    // Chunks are padded to an even length.
    at = body + size + (size % 2);
  }
  return { problem: format ? 'the WAV file has no data chunk (truncated upload?)' : 'the WAV file has no fmt chunk' };
}

function readFormat(bytes: Buffer, at: number, size: number): Format | { problem: string } {
  let tag = bytes.readUInt16LE(at);
  const f: Format = {
    tag,
    channels: bytes.readUInt16LE(at + 2),
    sampleRate: bytes.readUInt32LE(at + 4),
    byteRate: bytes.readUInt32LE(at + 8),
    blockAlign: bytes.readUInt16LE(at + 12),
    bits: bytes.readUInt16LE(at + 14),
  };
  if (tag === EXTENSIBLE) {
    // Some encoders always write the extensible form; what counts is the sub-format it names.
    if (size < 40 || !bytes.subarray(at + 26, at + 40).equals(KSDATAFORMAT_TAIL)) return { problem: 'the WAV extensible format is not PCM, a-law or mu-law' };
    tag = f.tag = bytes.readUInt16LE(at + 24);
  }
  if (tag !== PCM && tag !== A_LAW && tag !== MU_LAW) return { problem: 'the WAV encoding is not PCM, a-law or mu-law' };
  if (f.channels < 1 || f.channels > 2) return { problem: 'a WAV sound must be mono or stereo' };
  if (f.sampleRate < 8000 || f.sampleRate > 48000) return { problem: 'the WAV sample rate must be between 8000 and 48000 Hz' };
  const bitsOk = tag === PCM ? [8, 16, 24, 32].includes(f.bits) : f.bits === 8;
  if (!bitsOk) return { problem: tag === PCM ? 'PCM WAV samples must be 8, 16, 24 or 32 bits' : 'a-law and mu-law WAV samples must be 8 bits' };
  if (f.blockAlign !== (f.channels * f.bits) / 8 || f.byteRate !== f.sampleRate * f.blockAlign) {
    return { problem: 'the WAV fmt chunk contradicts itself (block align or byte rate)' };
  }
  return f;
}
