import type { Locale } from './channels.js';
import { escapeHtml } from './escape.js';

/** The translatable pieces of one locale; whole templates are assembled from them below. */
interface LocaleTexts {
  sms: string;
  voice: string;
  subject: string;
  greeting: string;
  lead: string;
  expiry: string;
  warning: string;
  ignore: string;
}

export interface BuiltinSet {
  sms: string;
  voice: string;
  email: { subject: string; body: string; html: string };
}

// Russian wording avoids a noun agreeing with {minutes} ("мин." / "в минутах") because the
// plural form depends on the number (1 минута, 2 минуты, 5 минут) and templates cannot branch.
const TEXTS: Readonly<Record<Locale, LocaleTexts>> = {
  en: {
    sms: 'Your {brand} verification code is {code}. It expires in {minutes} minutes. Do not share it with anyone.',
    voice: 'Hello, this is {brand}. Your verification code is {code}. Again: {code}. It expires in {minutes} minutes.',
    subject: 'Your {brand} verification code',
    greeting: 'Hello,',
    lead: 'Your {brand} verification code is:',
    expiry: 'It expires in {minutes} minutes.',
    warning: 'Do not share it with anyone.',
    ignore: 'If you did not request this code, you can safely ignore this email.',
  },
  'pt-BR': {
    sms: 'Seu código de verificação para {brand} é {code}. Ele expira em {minutes} minutos. Não compartilhe este código com ninguém.',
    voice: 'Olá, esta é uma mensagem de {brand}. Seu código de verificação é {code}. Repetindo: {code}. Ele expira em {minutes} minutos.',
    subject: 'Seu código de verificação para {brand}',
    greeting: 'Olá,',
    lead: 'Seu código de verificação para {brand} é:',
    expiry: 'Ele expira em {minutes} minutos.',
    warning: 'Não compartilhe este código com ninguém.',
    ignore: 'Se você não solicitou este código, pode ignorar este e-mail.',
  },
  es: {
    sms: 'Tu código de verificación de {brand} es {code}. Expira en {minutes} minutos. No lo compartas con nadie.',
    voice: 'Hola, este es un mensaje de {brand}. Tu código de verificación es {code}. Repito: {code}. Expira en {minutes} minutos.',
    subject: 'Tu código de verificación de {brand}',
    greeting: 'Hola:',
    lead: 'Tu código de verificación de {brand} es:',
    expiry: 'Expira en {minutes} minutos.',
    warning: 'No lo compartas con nadie.',
    ignore: 'Si no solicitaste este código, puedes ignorar este correo.',
  },
  ru: {
    sms: 'Код подтверждения {brand}: {code}. Срок действия: {minutes} мин. Никому не сообщайте этот код.',
    // Spoken text spells the unit out, since a TTS engine may read "мин." as a syllable.
    voice: 'Здравствуйте, это {brand}. Ваш код подтверждения: {code}. Повторяю: {code}. Срок действия кода в минутах: {minutes}.',
    subject: 'Код подтверждения {brand}',
    greeting: 'Здравствуйте!',
    lead: 'Ваш код подтверждения {brand}:',
    expiry: 'Срок действия: {minutes} мин.',
    warning: 'Никому не сообщайте этот код.',
    ignore: 'Если вы не запрашивали код, просто проигнорируйте это письмо.',
  },
  id: {
    sms: 'Kode verifikasi {brand} Anda adalah {code}. Berlaku selama {minutes} menit. Jangan berikan kode ini kepada siapa pun.',
    voice: 'Halo, ini pesan dari {brand}. Kode verifikasi Anda adalah {code}. Sekali lagi: {code}. Kode ini berlaku selama {minutes} menit.',
    subject: 'Kode verifikasi {brand} Anda',
    greeting: 'Halo,',
    lead: 'Kode verifikasi {brand} Anda adalah:',
    expiry: 'Kode ini berlaku selama {minutes} menit.',
    warning: 'Jangan berikan kode ini kepada siapa pun.',
    ignore: 'Jika Anda tidak meminta kode ini, abaikan email ini.',
  },
};

const P = 'margin:0 0 16px;font-size:16px;line-height:24px;';

// Styles are inline because many mail clients (notably Gmail) drop <style> blocks, and the
// markup has no CSS braces so that every {...} in it is a placeholder.
function emailHtml(locale: Locale, t: LocaleTexts): string {
  // Static texts are escaped here; placeholder values are escaped by the renderer.
  const e = escapeHtml;
  return [
    '<!DOCTYPE html>',
    `<html lang="${locale}">`,
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${e(t.subject)}</title></head>`,
    '<body style="margin:0;padding:24px;background-color:#f4f4f5;color:#18181b;' + "font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;\">",
    '<div style="max-width:480px;margin:0 auto;padding:32px;background-color:#ffffff;border-radius:8px;">',
    `<p style="${P}">${e(t.greeting)}</p>`,
    `<p style="${P}">${e(t.lead)}</p>`,
    "<p style=\"margin:0 0 24px;font-family:Menlo,Consolas,'Courier New',monospace;" + 'font-size:32px;line-height:40px;font-weight:700;letter-spacing:6px;">{code}</p>',
    `<p style="${P}">${e(t.expiry)} ${e(t.warning)}</p>`,
    `<p style="margin:0;font-size:14px;line-height:20px;color:#71717a;">${e(t.ignore)}</p>`,
    '</div>',
    '</body>',
    '</html>',
  ].join('\n');
}

function emailText(t: LocaleTexts): string {
  // The code sits on its own line so it can be selected and copied without surrounding words.
  return `${t.greeting}\n\n${t.lead}\n\n{code}\n\n${t.expiry} ${t.warning}\n\n${t.ignore}`;
}

function build(locale: Locale): BuiltinSet {
  const t = TEXTS[locale];
  return {
    sms: t.sms,
    voice: t.voice,
    email: { subject: t.subject, body: emailText(t), html: emailHtml(locale, t) },
  };
}

const CACHE = new Map<Locale, BuiltinSet>();

export function builtinSet(locale: Locale): BuiltinSet {
  let set = CACHE.get(locale);
  if (!set) {
    set = build(locale);
    CACHE.set(locale, set);
  }
  return set;
}
