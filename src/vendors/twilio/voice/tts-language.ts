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
