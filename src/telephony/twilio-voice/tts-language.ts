/**
 * Verity locales (`pt-BR`, `pt`, `ru`…) to the Twilio <Say> language codes Verity writes voice
 * scripts in. A locale outside these is spoken as en-US rather than refused: the script text is
 * chosen upstream, and a call in the wrong accent still carries the digits.
 */
const LANGUAGES: ReadonlyMap<string, string> = new Map([
  ['en', 'en-US'],
  ['pt', 'pt-BR'],
  ['es', 'es-ES'],
  ['ru', 'ru-RU'],
  ['id', 'id-ID'],
]);

/**
 * Twilio's default voice (`man`) speaks only a few languages, and an invalid voice/language pair
 * fails the <Say>; these are Twilio-supported Amazon Polly and Google voices for each language.
 */
export const DEFAULT_VOICES: Readonly<Record<string, string>> = {
  'en-US': 'Polly.Joanna',
  'pt-BR': 'Polly.Camila',
  'es-ES': 'Polly.Lucia',
  'ru-RU': 'Polly.Tatyana',
  // Polly has no Indonesian voice.
  'id-ID': 'Google.id-ID-Standard-A',
};

export function twilioLanguage(locale: string): string {
  const primary = locale.split(/[-_]/)[0]?.toLowerCase() ?? '';
  return LANGUAGES.get(primary) ?? 'en-US';
}
