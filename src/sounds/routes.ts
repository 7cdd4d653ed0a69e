import { TAG } from '../http/reference.js';
import { Type } from 'typebox';
import { AppError } from '../errors/index.js';
import { IdParam, problems, publicProblems, Timestamp } from '../http/schemas.js';
import { principalOf, type App } from '../http/types.js';
import type { Clock } from '../lib/clock.js';
import { decodeCursor, encodeCursor } from '../lib/page-cursor.js';
import { DEFAULT_MAX_DURATION_S } from './sound-check.js';
import type { SoundService } from './sound-service.js';
import type { SoundMeta, SoundStore } from './sound-store.js';
import { checkSoundUrl, DEFAULT_URL_TTL_S, signedSoundUrl } from './sound-url.js';

export interface SoundRouteOptions {
  /** Largest upload in bytes; default 1 MiB (about a minute of 8 kHz 16-bit mono WAV). */
  maxBytes?: number;
  /** Sounds an account may hold; default 50. */
  maxPerAccount?: number;
  /** Longest sound in seconds; default 120. */
  maxDurationS?: number;
  /** Lifetime of the fetch URLs this API hands out; default 3600 s. */
  urlTtlS?: number;
  clock: Clock;
  /** HMAC key of the fetch URLs; a key of its own, not one that signs anything else. */
  signingKey: Uint8Array;
  /** Base URL the telephony providers reach this server at. */
  publicUrl: string;
}

export const DEFAULT_MAX_BYTES = 1024 * 1024;
export const DEFAULT_MAX_PER_ACCOUNT = 50;

/** What clients send; several names for the same two formats are in use. */
export const UPLOAD_CONTENT_TYPES = ['audio/wav', 'audio/x-wav', 'audio/wave', 'audio/mpeg', 'audio/mp3', 'application/octet-stream'];

/** A sound as the API shows it; the URL is signed for an hour from the answer (its signature made up here). */
const soundExample = {
  id: 'snd_0ngi1R3expF6bXC24wZD41',
  name: 'Welcome prompt',
  content_type: 'audio/wav',
  size: 32044,
  duration_ms: 2000,
  url: 'https://verify.example.com/v1/sounds/snd_0ngi1R3expF6bXC24wZD41/audio?exp=1777893300&sig=EXAMPLEsignatureNotValid-000000000000000000',
  created_at: '2026-05-04T10:15:00.000Z',
};

const Sound = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    content_type: Type.Enum(['audio/wav', 'audio/mpeg'], { description: 'Found from the file’s content, not from the declared type' }),
    size: Type.Integer({ description: 'Bytes' }),
    duration_ms: Type.Integer(),
    url: Type.String({ description: 'Signed URL a telephony provider fetches the audio from without credentials; it stops working at the Unix time in its exp parameter' }),
    created_at: Timestamp,
  },
  { examples: [soundExample] },
);
const SoundList = Type.Object(
  { sounds: Type.Array(Sound), next_cursor: Type.Union([Type.String(), Type.Null()], { description: 'null on the last page' }) },
  {
    examples: [
      {
        sounds: [
          soundExample,
          {
            id: 'snd_0net9s7NF0HVkienssfomg',
            name: 'Code prompt (es)',
            content_type: 'audio/mpeg',
            size: 48512,
            duration_ms: 3024,
            url: 'https://verify.example.com/v1/sounds/snd_0net9s7NF0HVkienssfomg/audio?exp=1777893300&sig=EXAMPLEsignatureNotValid-111111111111111111',
            created_at: '2026-04-20T13:30:00.000Z',
          },
        ],
        next_cursor: null,
      },
    ],
  },
);

const Name = Type.String({ minLength: 1, maxLength: 100, pattern: '^[^\\u0000-\\u001f\\u007f]+$', description: 'A name to know the sound by' });

export function soundRoutes(sounds: SoundService, opts: SoundRouteOptions) {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxPerAccount = opts.maxPerAccount ?? DEFAULT_MAX_PER_ACCOUNT;
  const maxDurationS = opts.maxDurationS ?? DEFAULT_MAX_DURATION_S;
  const view = (s: SoundMeta) => ({
    id: s.id,
    name: s.name,
    content_type: s.content_type as 'audio/wav' | 'audio/mpeg',
    size: s.size,
    duration_ms: s.duration_ms,
    url: signedSoundUrl(opts.publicUrl, s.id, opts.signingKey, opts.clock.now(), opts.urlTtlS ?? DEFAULT_URL_TTL_S),
    created_at: new Date(s.created_at).toISOString(),
  });

  return async function routes(app: App): Promise<void> {
    const tags = [TAG.sounds];
    // Only this plugin takes raw audio; everywhere else a body is JSON.
    app.addContentTypeParser(UPLOAD_CONTENT_TYPES, { parseAs: 'buffer', bodyLimit: maxBytes }, (_req, body, done) => done(null, body));

    app.post(
      '/v1/sounds',
      {
        schema: {
          tags,
          summary: `Upload a sound (WAV or MP3, at most ${maxBytes} bytes and ${maxDurationS} s) for calls to play`,
          description: 'The body is the audio file itself (no form), the name goes in the query: `POST /v1/sounds?name=Welcome%20prompt` with `content-type: audio/wav`.',
          consumes: UPLOAD_CONTENT_TYPES,
          querystring: Type.Object({ name: Name }),
          // The raw file: ajv cannot describe bytes, so the content is checked in the handler.
          body: Type.Unknown({ description: 'The audio file itself; its format is found from its content' }),
          response: { 201: Sound, ...problems('UNSUPPORTED_MEDIA_TYPE', 'BODY_TOO_LARGE', 'INVALID_SOUND', 'SOUND_LIMIT_REACHED') },
        },
      },
      async (req, reply) => {
        if (!Buffer.isBuffer(req.body)) throw new AppError('UNSUPPORTED_MEDIA_TYPE', `send the audio file as the body, with a content type of ${UPLOAD_CONTENT_TYPES.join(', ')}`);
        const added = await sounds.upload(principalOf(req).accountId, req.query.name, req.body, { maxBytes, maxDurationS, maxPerAccount });
        if ('refused' in added) {
          if (added.refused === 'limit') throw new AppError('SOUND_LIMIT_REACHED', `an account may hold at most ${maxPerAccount} sounds; delete one first`);
          throw new AppError(added.refused === 'too_large' ? 'BODY_TOO_LARGE' : 'INVALID_SOUND', added.detail);
        }
        return reply.code(201).send(view(added));
      },
    );

    app.get(
      '/v1/sounds',
      {
        schema: {
          tags,
          summary: 'List sounds, newest first',
          querystring: Type.Object({
            limit: Type.Optional(Type.String({ pattern: '^(?:[1-9][0-9]?|100)$', description: '1 to 100, default 20' })),
            cursor: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,200}$', description: 'next_cursor of the previous page' })),
          }),
          response: { 200: SoundList, ...problems() },
        },
      },
      async (req) => {
        const limit = Number(req.query.limit ?? 20);
        const cursor = req.query.cursor === undefined ? undefined : decodeCursor(req.query.cursor, 'snd');
        if (cursor === null) throw new AppError('VALIDATION_FAILED', 'the cursor is not one this API returned');
        const rows = await sounds.list(principalOf(req).accountId, { limit: limit + 1, cursor });
        const page = rows.slice(0, limit);
        const last = page[page.length - 1];
        return { sounds: page.map(view), next_cursor: rows.length > limit && last ? encodeCursor(last) : null };
      },
    );

    app.get('/v1/sounds/:id', { schema: { tags, summary: 'Read a sound', params: IdParam('snd'), response: { 200: Sound, ...problems('SOUND_NOT_FOUND') } } }, async (req) => {
      const s = await sounds.get(principalOf(req).accountId, req.params.id);
      if (!s) throw new AppError('SOUND_NOT_FOUND');
      return view(s);
    });

    app.delete(
      '/v1/sounds/:id',
      { schema: { tags, summary: 'Delete a sound; its fetch URLs stop working', params: IdParam('snd'), response: { 204: Type.Null(), ...problems('SOUND_NOT_FOUND') } } },
      async (req, reply) => {
        if (!(await sounds.delete(principalOf(req).accountId, req.params.id))) throw new AppError('SOUND_NOT_FOUND');
        return reply.code(204).send(null);
      },
    );
  };
}

/**
 * The audio behind a signed URL, for telephony providers: registered outside the authenticated
 * scope, since the signature is the credential. The signature is checked before the database
 * is asked, so an unsigned request learns nothing about which sounds exist.
 */
export function soundFetchRoutes(store: SoundStore, opts: Pick<SoundRouteOptions, 'clock' | 'signingKey'>) {
  return async function routes(app: App): Promise<void> {
    const audio = { schema: {} };
    app.get(
      '/v1/sounds/:id/audio',
      {
        schema: {
          tags: [TAG.sounds],
          summary: 'The audio of a sound, at the signed URL a sound’s `url` gives (no credentials)',
          security: [],
          params: IdParam('snd'),
          querystring: Type.Object({ exp: Type.Optional(Type.String({ maxLength: 16, description: 'Unix time the URL expires' })), sig: Type.Optional(Type.String({ maxLength: 64 })) }),
          response: { 200: { description: 'The audio file', content: { 'audio/wav': audio, 'audio/mpeg': audio } }, ...publicProblems('FORBIDDEN', 'SOUND_NOT_FOUND') },
        },
      },
      async (req, reply) => {
        const now = opts.clock.now();
        const check = checkSoundUrl(req.params.id, req.query.exp, req.query.sig, opts.signingKey, now);
        if (check !== 'ok') throw new AppError('FORBIDDEN', check === 'expired' ? 'the sound URL has expired' : 'the sound URL signature is not valid');
        const found = await store.audio(req.params.id);
        if (!found) throw new AppError('SOUND_NOT_FOUND');
        // Providers may cache the file, but not past the URL's own expiry.
        const maxAge = Math.max(0, Number(req.query.exp) - Math.ceil(now / 1000));
        return reply.type(found.contentType).header('cache-control', `private, max-age=${maxAge}`).header('x-content-type-options', 'nosniff').send(found.bytes);
      },
    );
  };
}
