import fp from 'fastify-plugin';
import type { App } from '../http/types.js';
import { DEFAULT_MAX_DURATION_S, SoundService, signedSoundUrl, soundFetchRoutes, soundRoutes } from './index.js';
import { SoundStore } from './sound-store.js';

/** Uploaded sounds, and the signed URLs call providers fetch them by. */
export const sounds = fp(
  async (app: App) => {
    const { config, database, clock, baseUrl } = app.core;
    const sounds = new SoundStore(database);
    // A key of its own for sound URLs, derived so that it signs nothing else.
    const soundKey = app.core.derivedKey('sound urls');
    // Long enough for any call placed while its verification lives, retries included.
    const soundUrl = (id: string) => signedSoundUrl(baseUrl, id, soundKey, clock.now(), 86_400);
    const limits = { maxBytes: config.calls.soundMaxBytes, maxDurationS: DEFAULT_MAX_DURATION_S, maxPerAccount: config.calls.soundsPerAccount };
    const service = new SoundService(sounds, limits, clock);
    app.verity.sounds = sounds;
    Object.assign(app.parts, { soundKey, soundUrl, sounds: service });
    await app.register(soundFetchRoutes(sounds, { clock, signingKey: soundKey }));
    await app.parts.authenticated(app, soundRoutes(service, { clock, signingKey: soundKey, publicUrl: baseUrl, maxBytes: config.calls.soundMaxBytes, maxPerAccount: config.calls.soundsPerAccount }));
  },
  { name: 'sounds', dependencies: ['infrastructure', 'accounts'] },
);
