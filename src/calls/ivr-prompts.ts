import type { Locale } from '../templates/index.js';

interface PromptTexts {
  /** Played while waiting for the key. */
  greeting: string;
  /** After 1. */
  confirm: string;
  /** After any other key, or none. */
  fallback: string;
}

// No code is read out: pressing 1 is the whole proof, so the text only names the brand.
const TEXTS: Readonly<Record<Locale, PromptTexts>> = {
  en: {
    greeting: 'Hello, this is {brand}. To confirm that this is your number, press 1. If you did not ask for this, hang up.',
    confirm: 'Thank you. Your number is confirmed.',
    fallback: 'Your number was not confirmed. Goodbye.',
  },
  'pt-BR': {
    greeting: 'Olá, esta é uma ligação de {brand}. Para confirmar que este número é seu, digite 1. Se você não pediu isso, desligue.',
    confirm: 'Obrigado. Seu número foi confirmado.',
    fallback: 'Seu número não foi confirmado. Até logo.',
  },
  es: {
    greeting: 'Hola, le llamamos de {brand}. Para confirmar que este es su número, pulse 1. Si no lo solicitó, cuelgue.',
    confirm: 'Gracias. Su número ha sido confirmado.',
    fallback: 'Su número no ha sido confirmado. Adiós.',
  },
  ru: {
    greeting: 'Здравствуйте, это {brand}. Чтобы подтвердить, что это ваш номер, нажмите 1. Если вы этого не запрашивали, положите трубку.',
    confirm: 'Спасибо. Ваш номер подтверждён.',
    fallback: 'Номер не подтверждён. До свидания.',
  },
  id: {
    greeting: 'Halo, ini panggilan dari {brand}. Untuk mengonfirmasi bahwa ini nomor Anda, tekan 1. Jika Anda tidak memintanya, tutup telepon.',
    confirm: 'Terima kasih. Nomor Anda telah dikonfirmasi.',
    fallback: 'Nomor Anda tidak dikonfirmasi. Sampai jumpa.',
  },
};

export type IvrPromptKind = keyof PromptTexts;

export function ivrPromptText(kind: IvrPromptKind, locale: Locale, brand: string): string {
  return TEXTS[locale][kind].replace('{brand}', brand);
}
