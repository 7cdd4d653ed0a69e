/** WAV files built byte by byte from the published RIFF layout. */

export const chunk = (id: string, body: Buffer): Buffer => {
  const head = Buffer.alloc(8);
  head.write(id, 0, 'latin1');
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body, Buffer.alloc(body.length % 2)]);
};

export const riff = (...chunks: Buffer[]): Buffer => {
  const body = Buffer.concat([Buffer.from('WAVE', 'latin1'), ...chunks]);
  const head = Buffer.alloc(8);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body]);
};

export interface WavShape {
  format?: number;
  channels?: number;
  rate?: number;
  bits?: number;
  byteRate?: number;
}

export const fmt = (o: WavShape = {}): Buffer => {
  const { format = 1, channels = 1, rate = 8000, bits = 16 } = o;
  const b = Buffer.alloc(16);
  b.writeUInt16LE(format, 0);
  b.writeUInt16LE(channels, 2);
  b.writeUInt32LE(rate, 4);
  b.writeUInt32LE(o.byteRate ?? (rate * channels * bits) / 8, 8);
  b.writeUInt16LE((channels * bits) / 8, 12);
  b.writeUInt16LE(bits, 14);
  return b;
};

/** `ms` of silence as a WAV file (all-zero samples: silence for 16-bit PCM, near enough for the rest). */
export function wav(ms: number, o: WavShape = {}): Buffer {
  const { channels = 1, rate = 8000, bits = 16 } = o;
  return riff(chunk('fmt ', fmt(o)), chunk('data', Buffer.alloc(((rate * ms) / 1000) * channels * (bits / 8))));
}

/** A WAV file of `ms` milliseconds of 8 kHz 16-bit mono silence: the smallest sound a call can play. */
export const silentWav = (ms: number): Buffer => wav(ms);
