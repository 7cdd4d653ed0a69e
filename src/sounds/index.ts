export { inspectSound, DEFAULT_MAX_DURATION_S } from './sound-check.js';
export type { SoundCheck, SoundContentType } from './sound-check.js';
export { SoundService } from './sound-service.js';
export type { SoundLimits, UploadRefusal } from './sound-service.js';
export type { SoundCursor, SoundMeta } from './sound-store.js';
export { signedSoundUrl, checkSoundUrl, DEFAULT_URL_TTL_S } from './sound-url.js';
export type { UrlCheck } from './sound-url.js';
export { soundRoutes, soundFetchRoutes, UPLOAD_CONTENT_TYPES, DEFAULT_MAX_BYTES, DEFAULT_MAX_PER_ACCOUNT } from './routes.js';
export type { SoundRouteOptions } from './routes.js';
