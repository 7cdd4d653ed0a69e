/**
 * Verity locales (`pt-BR`, `pt`, `ru`…) to the TTS language codes Verity writes voice scripts in,
 * the same for Twilio's <Say> and Vonage's talk action. A locale outside these is spoken as en-US
 * rather than refused: the script text is chosen upstream, and a call in the wrong accent still
 * carries the digits.
 */
const LANGUAGES: ReadonlyMap<string, string> = new Map([
  ['en', 'en-US'],
  ['pt', 'pt-BR'],
  ['es', 'es-ES'],
  ['ru', 'ru-RU'],
  ['id', 'id-ID'],
]);

export function ttsLanguage(locale: string): string {
  return LANGUAGES.get(locale.split(/[-_]/)[0]?.toLowerCase() ?? '') ?? 'en-US';
}
