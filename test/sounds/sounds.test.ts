import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/database.js';
import type { SoundTable } from '../../src/db/schema.js';
import type { App } from '../../src/http/types.js';
import { ManualClock } from '../../src/lib/clock.js';
import { newId } from '../../src/lib/ids.js';
import { inspectSound, signedSoundUrl, soundFetchRoutes, soundRoutes, SoundService, type SoundRouteOptions } from '../../src/sounds/index.js';
import { SoundStore } from '../../src/sounds/sound-store.js';
import { describeOnBackends, openTestDatabase, type TestDatabase } from '../helpers/test-app.js';
import { chunk, fmt, riff, wav } from '../helpers/audio.js';
import { createHttp } from '../../src/http/kernel.js';
import { callerFromHeader } from '../helpers/http-kernel.js';

// ---- WAV and MP3 built byte by byte, from the published layouts ----

/** Three layer III configurations, with frame lengths worked out by hand from the ISO 11172-3 formula. */
const MPEG = {
  v1_128k_44100: { header: [0xff, 0xfb, 0x90, 0x00], length: 417, samples: 1152, rate: 44100 }, // 144·128000/44100
  v2_64k_22050: { header: [0xff, 0xf3, 0x80, 0x00], length: 208, samples: 576, rate: 22050 }, // 72·64000/22050
  v25_8k_8000_mono: { header: [0xff, 0xe3, 0x18, 0xc0], length: 72, samples: 576, rate: 8000 }, // 72·8000/8000
} as const;
type Mpeg = (typeof MPEG)[keyof typeof MPEG];

const frame = (m: Mpeg): Buffer => Buffer.concat([Buffer.from(m.header), Buffer.alloc(m.length - 4)]);
const mp3 = (frames: number, m: Mpeg = MPEG.v1_128k_44100): Buffer => Buffer.concat(Array.from({ length: frames }, () => frame(m)));

/** An ID3v2.4 tag whose size is written syncsafe (7 bits a byte). */
function id3(bodyLength: number): Buffer {
  const head = Buffer.from([0x49, 0x44, 0x33, 4, 0, 0, (bodyLength >> 21) & 0x7f, (bodyLength >> 14) & 0x7f, (bodyLength >> 7) & 0x7f, bodyLength & 0x7f]);
  const body = Buffer.alloc(bodyLength);
  body.write('TIT2\0\0\0\x09\0\0\x03Greeting', 0, 'latin1');
  return Buffer.concat([head, body]);
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const problemOf = (r: ReturnType<typeof inspectSound>): string => ('problem' in r ? r.problem : 'accepted');

describe('inspectSound', () => {
  it('accepts PCM WAV silence and times it from the data size', () => {
    expect(inspectSound(wav(1500))).toEqual({ contentType: 'audio/wav', durationMs: 1500 });
    expect(inspectSound(wav(250, { channels: 2, rate: 44100 }))).toEqual({ contentType: 'audio/wav', durationMs: 250 });
    expect(inspectSound(wav(1000, { rate: 48000, bits: 24 }))).toEqual({ contentType: 'audio/wav', durationMs: 1000 });
  });

  it('accepts mu-law and a-law WAV, the telephone codecs', () => {
    expect(inspectSound(wav(2000, { format: 7, bits: 8 }))).toEqual({ contentType: 'audio/wav', durationMs: 2000 });
    expect(inspectSound(wav(2000, { format: 6, bits: 8 }))).toEqual({ contentType: 'audio/wav', durationMs: 2000 });
  });

  it('skips other chunks before the audio, odd-sized ones included', () => {
    const file = riff(chunk('fmt ', fmt()), chunk('LIST', Buffer.from('INFOISFT\x05\0\0\0Lavf\0', 'latin1')), chunk('data', Buffer.alloc(16000)));
    expect(inspectSound(file)).toEqual({ contentType: 'audio/wav', durationMs: 1000 });
  });

  it('accepts the extensible WAV form when it wraps PCM', () => {
    const ext = Buffer.concat([fmt({ bits: 16 }), Buffer.from([22, 0, 16, 0, 4, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71])]);
    ext.writeUInt16LE(0xfffe, 0);
    expect(inspectSound(riff(chunk('fmt ', ext), chunk('data', Buffer.alloc(8000))))).toEqual({ contentType: 'audio/wav', durationMs: 500 });
    ext[24] = 3; // IEEE float inside the same wrapper
    expect(problemOf(inspectSound(riff(chunk('fmt ', ext), chunk('data', Buffer.alloc(8000)))))).toMatch(/not PCM/);
  });

  it.each([
    ['float samples', wav(500, { format: 3, bits: 32 }), /not PCM, a-law or mu-law/],
    ['three channels', wav(500, { channels: 3 }), /mono or stereo/],
    ['96 kHz', wav(100, { rate: 96000 }), /sample rate/],
    ['6 kHz', wav(100, { rate: 6000 }), /sample rate/],
    ['12-bit PCM', riff(chunk('fmt ', fmt({ bits: 12, byteRate: 12000 })), chunk('data', Buffer.alloc(1200))), /8, 16, 24 or 32 bits/],
    ['16-bit mu-law', wav(100, { format: 7, bits: 16 }), /must be 8 bits/],
    ['a byte rate that contradicts the rate', wav(100, { byteRate: 1234 }), /contradicts itself/],
    ['audio before its format', riff(chunk('data', Buffer.alloc(1600)), chunk('fmt ', fmt())), /before its fmt/],
    ['no data chunk', riff(chunk('fmt ', fmt())), /no data chunk/],
    ['no fmt chunk', riff(chunk('LIST', Buffer.alloc(4))), /no fmt chunk/],
    ['an empty data chunk', riff(chunk('fmt ', fmt()), chunk('data', Buffer.alloc(0))), /no audio/],
    ['a cut-off upload', wav(1000).subarray(0, 9000), /longer than the file/],
    ['a cut-off fmt chunk', wav(1000).subarray(0, 30), /fmt chunk is truncated/],
    ['a RIFF that is not WAVE', Buffer.concat([Buffer.from('RIFF\x10\0\0\0AVI ', 'latin1'), Buffer.alloc(16)]), /neither WAV .* nor MP3/],
  ])('rejects a WAV with %s', (_what, file, problem) => {
    expect(problemOf(inspectSound(file))).toMatch(problem);
  });

  it('accepts MP3 frames of MPEG 1, 2 and 2.5 and adds up their samples', () => {
    expect(inspectSound(mp3(100))).toEqual({ contentType: 'audio/mpeg', durationMs: Math.floor((100 * 1152 * 1000) / 44100) });
    expect(inspectSound(mp3(50, MPEG.v2_64k_22050))).toEqual({ contentType: 'audio/mpeg', durationMs: Math.floor((50 * 576 * 1000) / 22050) });
    expect(inspectSound(mp3(200, MPEG.v25_8k_8000_mono))).toEqual({ contentType: 'audio/mpeg', durationMs: 14400 });
  });

  it('skips an ID3v2 tag by its syncsafe size, and takes an ID3v1 tag at the end', () => {
    const tagged = Buffer.concat([id3(300), mp3(10)]);
    expect(inspectSound(tagged)).toEqual({ contentType: 'audio/mpeg', durationMs: 261 });
    const v1 = Buffer.concat([mp3(10), Buffer.from('TAG'), Buffer.alloc(125)]);
    expect(inspectSound(v1)).toEqual({ contentType: 'audio/mpeg', durationMs: 261 });
  });

  it('does not count a Xing/Info frame as audio', () => {
    const info = frame(MPEG.v1_128k_44100);
    info.write('Info', 4 + 32, 'latin1'); // after the header and MPEG-1 stereo side information
    expect(inspectSound(Buffer.concat([info, mp3(10)]))).toEqual({ contentType: 'audio/mpeg', durationMs: 261 });
  });

  it('accepts a last frame cut short', () => {
    expect(inspectSound(mp3(11).subarray(0, 417 * 10 + 100))).toEqual({ contentType: 'audio/mpeg', durationMs: 261 });
  });

  const header = (b: number[]) => Buffer.concat([Buffer.from(b), Buffer.alloc(413)]);
  it.each([
    ['a single frame', mp3(1), /two consecutive/],
    ['a first frame cut short', mp3(1).subarray(0, 200), /truncated inside its first frame/],
    ['a sync word followed by noise', Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x00]), Buffer.from('x'.repeat(900))]), /two consecutive/],
    ['layer II frames', Buffer.concat([header([0xff, 0xfd, 0x90, 0x00]), header([0xff, 0xfd, 0x90, 0x00])]), /neither WAV/],
    ['the reserved MPEG version', Buffer.concat([header([0xff, 0xeb, 0x90, 0x00]), header([0xff, 0xeb, 0x90, 0x00])]), /neither WAV/],
    ['bitrate index 15', Buffer.concat([header([0xff, 0xfb, 0xf0, 0x00]), header([0xff, 0xfb, 0xf0, 0x00])]), /neither WAV/],
    ['free-format bitrate', Buffer.concat([header([0xff, 0xfb, 0x00, 0x00]), header([0xff, 0xfb, 0x00, 0x00])]), /neither WAV/],
    ['the reserved sample rate', Buffer.concat([header([0xff, 0xfb, 0x9c, 0x00]), header([0xff, 0xfb, 0x9c, 0x00])]), /neither WAV/],
    ['a change of sample rate midway', Buffer.concat([mp3(3), mp3(3, MPEG.v2_64k_22050)]), /change version or sample rate/],
    ['bytes after the frames', Buffer.concat([mp3(5), Buffer.from('<?php system($_GET[1]); ?>')]), /after its audio/],
    ['an ID3 tag with a non-syncsafe size', Buffer.concat([Buffer.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0x81, 0]), mp3(3)]), /malformed ID3/],
    ['an ID3 tag longer than the file', Buffer.concat([id3(300), mp3(3)]).subarray(0, 200), /longer than the file/],
    ['an ID3 tag and nothing after it', id3(300), /no MPEG layer III frame follows/],
  ])('rejects an MP3 with %s', (_what, file, problem) => {
    expect(problemOf(inspectSound(file))).toMatch(problem);
  });

  it('rejects an empty file, and a text file whatever it is called, without quoting it', () => {
    expect(problemOf(inspectSound(Buffer.alloc(0)))).toBe('the file is empty');
    const text = Buffer.from('secret-marker: this is a text file named greeting.wav\n');
    const problem = problemOf(inspectSound(text));
    expect(problem).toMatch(/neither WAV .* nor MP3/);
    expect(problem).not.toContain('secret-marker');
  });

  it('rejects a sound longer than the maximum the caller sets, 120 s by default', () => {
    expect(problemOf(inspectSound(wav(121_000, { format: 7, bits: 8 })))).toBe('the sound lasts 121.0 s; at most 120 s is allowed');
    expect(problemOf(inspectSound(wav(3000), 2))).toMatch(/lasts 3\.0 s; at most 2 s/);
    expect(inspectSound(wav(2000), 2)).toEqual({ contentType: 'audio/wav', durationMs: 2000 });
  });

  const valid = [wav(300), wav(300, { format: 7, bits: 8, channels: 2 }), mp3(8), Buffer.concat([id3(40), mp3(6, MPEG.v25_8k_8000_mono)])];
  const anyFile = fc.oneof(
    fc.uint8Array({ maxLength: 2048 }).map((b) => Buffer.from(b)),
    // Right magic, random rest: the parsers' bounds are what this exercises.
    fc.tuple(fc.constantFrom('RIFF', 'ID3', '\xff\xfb\x90\x00', '\xff\xe3\x18\xc0'), fc.uint8Array({ maxLength: 2048 })).map(([m, b]) => Buffer.concat([Buffer.from(m, 'latin1'), b])),
    fc.tuple(fc.constantFrom(...valid), fc.nat()).map(([f, n]) => f.subarray(0, n % (f.length + 1))),
    fc.tuple(fc.constantFrom(...valid), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 })).map(([f, edits]) => {
      const b = Buffer.from(f);
      for (const [at, v] of edits) b[at % b.length] = v;
      return b;
    }),
  );

  it('never throws: any bytes give either a sound within the limit or a problem', () => {
    fc.assert(
      fc.property(anyFile, (bytes) => {
        const r = inspectSound(bytes, 60);
        if ('problem' in r) {
          expect(r.problem.length).toBeGreaterThan(0);
        } else {
          expect(r.durationMs).toBeGreaterThan(0);
          expect(r.durationMs).toBeLessThanOrEqual(60_000);
          expect(['audio/wav', 'audio/mpeg']).toContain(r.contentType);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('rejects a valid first frame followed by anything but a second frame', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 4, maxLength: 1000 }).filter((b) => b[0] !== 0xff && b[0] !== 0),
        (tail) => {
          expect(problemOf(inspectSound(Buffer.concat([frame(MPEG.v1_128k_44100), tail])))).not.toBe('accepted');
        },
      ),
    );
  });
});

// ---- the store and the HTTP API, on every database ----

const T0 = Date.parse('2026-01-01T00:00:00Z');

function soundRow(accountId: string, over: Partial<SoundTable> = {}): SoundTable {
  const bytes = wav(100);
  return { id: newId('snd'), account_id: accountId, name: 'greeting', content_type: 'audio/wav', size: bytes.length, duration_ms: 100, data: bytes.toString('base64'), created_at: T0, ...over };
}

describeOnBackends('sounds', (backend) => {
  let db: TestDatabase | undefined;
  let h: DatabaseHandle;
  let store: SoundStore;

  beforeAll(async () => {
    db = await openTestDatabase(backend);
    h = db.handle;
    store = new SoundStore(h);
  });
  afterAll(async () => {
    await db?.close();
  });

  describe('store', () => {
    it('lists an account’s sounds newest first, page by page, without their audio', async () => {
      const acc = newId('acc');
      const rows = [0, 1, 2, 2, 3].map((i) => soundRow(acc, { created_at: T0 + i * 1000, name: `s${i}` }));
      for (const r of rows) await store.insert(r);
      await store.insert(soundRow(newId('acc')));
      const first = await store.list(acc, { limit: 3 });
      expect(first.every((r) => !('data' in r))).toBe(true);
      const last = first[2];
      if (!last) throw new Error('short page');
      const second = await store.list(acc, { limit: 3, cursor: { createdAt: last.created_at, id: last.id } });
      const expected = [...rows].sort((a, b) => b.created_at - a.created_at || (a.id < b.id ? 1 : -1)).map((r) => r.id);
      expect([...first, ...second].map((r) => r.id)).toEqual(expected);
      expect(await store.count(acc)).toBe(5);
    });

    it('treats another account’s sound exactly like a missing one', async () => {
      const row = soundRow(newId('acc'));
      await store.insert(row);
      const other = newId('acc');
      expect(await store.get(other, row.id)).toBeUndefined();
      expect(await store.get(other, newId('snd'))).toBeUndefined();
      expect(await store.delete(other, row.id)).toBe(false);
      expect(await store.list(other, { limit: 10 })).toEqual([]);
      const { data: _data, ...meta } = row;
      expect(await store.get(row.account_id, row.id)).toEqual(meta);
    });

    it('returns the stored audio byte for byte, and nothing once deleted', async () => {
      const bytes = mp3(4);
      const row = soundRow(newId('acc'), { content_type: 'audio/mpeg', size: bytes.length, data: bytes.toString('base64') });
      await store.insert(row);
      const got = await store.audio(row.id);
      expect(got?.contentType).toBe('audio/mpeg');
      expect(got?.bytes.equals(bytes)).toBe(true);
      expect(await store.delete(row.account_id, row.id)).toBe(true);
      expect(await store.delete(row.account_id, row.id)).toBe(false);
      expect(await store.audio(row.id)).toBeUndefined();
    });

    it('never lets concurrent uploads overshoot the per-account limit', async () => {
      const acc = newId('acc');
      const results = await Promise.all(Array.from({ length: 12 }, () => store.insert(soundRow(acc), 5)));
      expect(results.filter(Boolean)).toHaveLength(5);
      expect(await store.count(acc)).toBe(5);
    });
  });

  describe('HTTP API', () => {
    const PUBLIC = 'https://verity.example.com';
    const clock = new ManualClock(T0);
    const signingKey = randomBytes(32);
    const opts: SoundRouteOptions = { maxBytes: 64 * 1024, maxPerAccount: 3, maxDurationS: 30, clock, signingKey, publicUrl: PUBLIC };
    let app: App;
    let base: string;

    beforeAll(async () => {
      app = await createHttp({ docs: { ui: false, version: 'test' } });
      await app.register(soundFetchRoutes(store, opts));
      await app.register(async (scope: App) => {
        callerFromHeader(scope);
        await scope.register(soundRoutes(new SoundService(store, { maxBytes: opts.maxBytes ?? 0, maxDurationS: opts.maxDurationS ?? 0, maxPerAccount: opts.maxPerAccount ?? 0 }, clock), opts));
      });
      await app.listen({ port: 0, host: '127.0.0.1' });
      base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      await app?.close();
    });

    const upload = (account: string, body: Buffer | string, type = 'audio/wav', name = 'greeting') =>
      app.inject({ method: 'POST', url: `/v1/sounds?name=${encodeURIComponent(name)}`, headers: { 'x-account': account, 'content-type': type }, payload: body });
    const call = (method: 'GET' | 'DELETE', url: string, account: string) => app.inject({ method, url, headers: { 'x-account': account } });
    /** The signed URL, fetched over real HTTP the way a telephony provider does: no credentials. */
    const fetchAudio = (url: string) => fetch(`${base}${url.slice(PUBLIC.length)}`);

    it('uploads a WAV, lists it, reads it, and serves the same bytes at its signed URL', async () => {
      const acc = newId('acc');
      const bytes = wav(1200);
      const up = await upload(acc, bytes, 'audio/x-wav');
      expect(up.statusCode).toBe(201);
      const sound = up.json();
      expect(sound).toMatchObject({ name: 'greeting', content_type: 'audio/wav', size: bytes.length, duration_ms: 1200, created_at: new Date(T0).toISOString() });
      expect(sound.id).toMatch(/^snd_/);
      expect(sound.url).toMatch(new RegExp(`^${PUBLIC}/v1/sounds/${sound.id}/audio\\?exp=\\d+&sig=[A-Za-z0-9_-]{43}$`));

      const list = await call('GET', '/v1/sounds', acc);
      expect(list.json()).toMatchObject({ sounds: [{ id: sound.id, duration_ms: 1200 }], next_cursor: null });
      expect((await call('GET', `/v1/sounds/${sound.id}`, acc)).json()).toMatchObject({ id: sound.id, size: bytes.length });

      const res = await fetchAudio(sound.url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('audio/wav');
      expect(res.headers.get('content-length')).toBe(String(bytes.length));
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
      const head = await fetch(`${base}${sound.url.slice(PUBLIC.length)}`, { method: 'HEAD' });
      expect([head.status, head.headers.get('content-type')]).toEqual([200, 'audio/wav']);
    });

    it('takes an MP3 for what it is, whatever content type it was sent with', async () => {
      const acc = newId('acc');
      const bytes = Buffer.concat([id3(100), mp3(40, MPEG.v2_64k_22050)]);
      const up = await upload(acc, bytes, 'application/octet-stream', 'bienvenida');
      expect(up.statusCode).toBe(201);
      expect(up.json()).toMatchObject({ content_type: 'audio/mpeg', duration_ms: Math.floor((40 * 576 * 1000) / 22050), name: 'bienvenida' });
      const res = await fetchAudio(up.json().url);
      expect(res.headers.get('content-type')).toBe('audio/mpeg');
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
      expect((await upload(acc, mp3(10), 'audio/wav')).json().content_type).toBe('audio/mpeg');
    });

    it('refuses a text file sent as WAV with 400, saying why without quoting it', async () => {
      const acc = newId('acc');
      const r = await upload(acc, 'RIFX this is not audio at all, but its name says greeting.wav', 'audio/wav');
      expect(r.statusCode).toBe(400);
      expect(r.json()).toMatchObject({ code: 'INVALID_SOUND', detail: expect.stringMatching(/neither WAV .* nor MP3/) });
      expect(r.json().detail).not.toContain('not audio');
      expect((await upload(acc, Buffer.alloc(0))).json().detail).toBe('the file is empty');
      expect((await upload(acc, mp3(431, MPEG.v25_8k_8000_mono), 'audio/mpeg')).json().detail).toBe('the sound lasts 31.0 s; at most 30 s is allowed');
      expect((await call('GET', '/v1/sounds', acc)).json().sounds).toEqual([]);
    });

    it('refuses a body over the size limit with 413, and a JSON body with 415', async () => {
      const acc = newId('acc');
      const big = await upload(acc, wav(5000)); // 80 000 bytes, over the 64 KiB of this app
      expect(big.statusCode).toBe(413);
      expect(big.json().code).toBe('BODY_TOO_LARGE');
      const json = await app.inject({ method: 'POST', url: '/v1/sounds?name=x', headers: { 'x-account': acc, 'content-type': 'application/json' }, payload: '{"audio":"x"}' });
      expect([json.statusCode, json.json().code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
      const text = await app.inject({ method: 'POST', url: '/v1/sounds?name=x', headers: { 'x-account': acc, 'content-type': 'text/plain' }, payload: 'hello' });
      expect(text.statusCode).toBe(415);
      expect((await upload(acc, wav(100), 'audio/wav', '')).statusCode).toBe(400);
    });

    it('refuses an upload past the per-account limit until one is deleted', async () => {
      const acc = newId('acc');
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await upload(acc, wav(100))).json().id);
      const over = await upload(acc, wav(100));
      expect(over.statusCode).toBe(409);
      expect(over.json()).toMatchObject({ code: 'SOUND_LIMIT_REACHED', detail: expect.stringContaining('at most 3 sounds') });
      expect((await upload(newId('acc'), wav(100))).statusCode).toBe(201);
      expect((await call('DELETE', `/v1/sounds/${ids[0]}`, acc)).statusCode).toBe(204);
      expect((await upload(acc, wav(100))).statusCode).toBe(201);
    });

    it('pages through the list with next_cursor and refuses a forged cursor', async () => {
      const acc = newId('acc');
      for (let i = 0; i < 3; i++) {
        clock.advance(1000);
        await upload(acc, wav(100), 'audio/wav', `n${i}`);
      }
      const p1 = (await call('GET', '/v1/sounds?limit=2', acc)).json();
      expect(p1.sounds.map((s: { name: string }) => s.name)).toEqual(['n2', 'n1']);
      const p2 = (await call('GET', `/v1/sounds?limit=2&cursor=${p1.next_cursor}`, acc)).json();
      expect(p2).toMatchObject({ sounds: [{ name: 'n0' }], next_cursor: null });
      const forged = await call('GET', `/v1/sounds?cursor=${Buffer.from('1.snd_nothing').toString('base64url')}`, acc);
      expect([forged.statusCode, forged.json().code]).toEqual([400, 'VALIDATION_FAILED']);
      expect((await call('GET', '/v1/sounds?limit=101', acc)).statusCode).toBe(400);
    });

    it('keeps a sound from every other account: not listed, not readable, not deletable', async () => {
      const owner = newId('acc');
      const other = newId('acc');
      const sound = (await upload(owner, wav(100))).json();
      expect((await call('GET', '/v1/sounds', other)).json().sounds).toEqual([]);
      const read = await call('GET', `/v1/sounds/${sound.id}`, other);
      const missing = await call('GET', `/v1/sounds/${newId('snd')}`, other);
      expect([read.statusCode, read.json().code, read.json().detail]).toEqual([missing.statusCode, missing.json().code, missing.json().detail]);
      expect(read.json().code).toBe('SOUND_NOT_FOUND');
      expect((await call('DELETE', `/v1/sounds/${sound.id}`, other)).statusCode).toBe(404);
      expect((await call('GET', `/v1/sounds/${sound.id}`, owner)).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/v1/sounds' })).statusCode).toBe(401);
    });

    it('refuses a tampered, foreign or expired signature with 403', async () => {
      const acc = newId('acc');
      const sound = (await upload(acc, wav(100))).json();
      const url = new URL(sound.url);
      const sig = url.searchParams.get('sig') as string;
      const exp = Number(url.searchParams.get('exp'));
      const other = (await upload(acc, wav(100))).json();
      const flip = (c: string) => B64URL[B64URL.indexOf(c) ^ 1] as string;
      // The last character carries two unused bits: this spelling decodes to the very same bytes.
      const twin = `${sig.slice(0, -1)}${flip(sig.slice(-1))}`;
      expect(Buffer.from(twin, 'base64url').equals(Buffer.from(sig, 'base64url'))).toBe(true);
      const variants = [
        `/v1/sounds/${sound.id}/audio?exp=${exp}&sig=${sig.slice(0, 10)}${flip(sig.charAt(10))}${sig.slice(11)}`,
        `/v1/sounds/${sound.id}/audio?exp=${exp}&sig=${twin}`,
        `/v1/sounds/${sound.id}/audio?exp=0${exp}&sig=${sig}`,
        `/v1/sounds/${sound.id}/audio?exp=${exp + 3600}&sig=${sig}`,
        `/v1/sounds/${other.id}/audio?exp=${exp}&sig=${sig}`,
        `/v1/sounds/${sound.id}/audio?exp=${exp}`,
        `/v1/sounds/${sound.id}/audio`,
        `/v1/sounds/${sound.id}/audio?exp=${exp}&sig=${signedSoundUrl(PUBLIC, sound.id, randomBytes(32), clock.now()).split('sig=')[1]}`,
      ];
      for (const v of variants) {
        const r = await fetch(`${base}${v}`);
        expect([v, r.status]).toEqual([v, 403]);
        expect(((await r.json()) as { code: string }).code).toBe('FORBIDDEN');
      }
      expect((await fetchAudio(sound.url)).status).toBe(200);
      clock.advance(3600_000);
      const expired = await fetchAudio(sound.url);
      expect([expired.status, ((await expired.json()) as { detail: string }).detail]).toEqual([403, 'the sound URL has expired']);
      expect((await fetchAudio((await call('GET', `/v1/sounds/${sound.id}`, acc)).json().url)).status).toBe(200);
    });

    it('deletes a sound: it reads as 404 and its URL stops working', async () => {
      const acc = newId('acc');
      const sound = (await upload(acc, wav(100))).json();
      expect((await call('DELETE', `/v1/sounds/${sound.id}`, acc)).statusCode).toBe(204);
      expect((await call('GET', `/v1/sounds/${sound.id}`, acc)).statusCode).toBe(404);
      expect((await call('DELETE', `/v1/sounds/${sound.id}`, acc)).statusCode).toBe(404);
      const gone = await fetchAudio(sound.url);
      expect([gone.status, ((await gone.json()) as { code: string }).code]).toEqual([404, 'SOUND_NOT_FOUND']);
    });

    it('describes the raw upload and the public fetch in the OpenAPI document', async () => {
      const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
      const post = doc.paths['/v1/sounds'].post;
      expect(Object.keys(post.requestBody.content)).toEqual(['audio/wav', 'audio/x-wav', 'audio/wave', 'audio/mpeg', 'audio/mp3', 'application/octet-stream']);
      expect(post.parameters).toEqual([expect.objectContaining({ in: 'query', name: 'name', required: true })]);
      const audio = doc.paths['/v1/sounds/{id}/audio'].get;
      expect(audio.security).toEqual([]);
      expect(Object.keys(audio.responses['200'].content)).toEqual(['audio/wav', 'audio/mpeg']);
      expect(Object.keys(audio.responses)).toEqual(expect.arrayContaining(['403', '404']));
    });
  });
});
