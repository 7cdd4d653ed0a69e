/** What an uploaded sound turned out to be, or why it cannot be played. */
export type SoundContentType = 'audio/wav' | 'audio/mpeg';

export type SoundCheck = { contentType: SoundContentType; durationMs: number } | { problem: string };
