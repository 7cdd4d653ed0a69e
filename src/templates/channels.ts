import { Type } from 'typebox';
export const MESSAGE_CHANNELS = ['sms', 'whatsapp', 'rcs', 'voice', 'email'] as const;
export type MessageChannel = (typeof MESSAGE_CHANNELS)[number];

export const LOCALES = ['en', 'pt-BR', 'es', 'ru', 'id'] as const;
export type Locale = (typeof LOCALES)[number];
export const LocaleSchema = Type.Enum([...LOCALES]);

// Keyed by the lower-cased primary language subtag, so any region or script variant
// ('pt-PT', 'es-MX', 'en-GB') lands on the one translation we ship for that language.
// A Map rather than an object literal so tags like 'constructor' cannot hit prototype keys.
const BY_LANGUAGE: ReadonlyMap<string, Locale> = new Map<string, Locale>([
  ['en', 'en'],
  ['pt', 'pt-BR'],
  ['es', 'es'],
  ['ru', 'ru'],
  ['id', 'id'],
  // 'in' is the ISO 639 code Indonesian had before 1989; Java/Android still emit it.
  ['in', 'id'],
]);

function matchTag(tag: string): Locale | undefined {
  const primary = tag.trim().split(/[-_]/)[0]?.toLowerCase() ?? '';
  return BY_LANGUAGE.get(primary);
}

/**
 * Picks the closest supported locale for a BCP-47 tag. Also accepts an Accept-Language
 * style list ("ru-RU,ru;q=0.9,en;q=0.8"), taking entries in the order given, because
 * callers often forward that header unchanged.
 */
export function resolveLocale(requested: string | undefined | null, fallback: Locale): Locale {
  if (typeof requested !== 'string') return fallback;
  for (const entry of requested.split(',')) {
    const tag = entry.split(';')[0] ?? '';
    const match = matchTag(tag);
    if (match) return match;
  }
  return fallback;
}
