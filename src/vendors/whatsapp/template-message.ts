import type { OutboundMessage } from '../../kernel/message.js';

/**
 * The Cloud API body for an authentication template with a copy-code button
 * (https://developers.facebook.com/docs/whatsapp/business-management-api/authentication-templates/copy-code-button-authentication-templates):
 * the code fills the body's one parameter and, again, the button's. WhatsApp renders the preset
 * text itself, so Verity's own text is not sent.
 */
export function templateMessage(m: OutboundMessage, templateName: string, language: string): Record<string, unknown> {
  return {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: m.to.replace(/^\+/, ''),
    type: 'template',
    template: {
      name: templateName,
      language: { code: language },
      components: [
        { type: 'body', parameters: [{ type: 'text', text: m.code }] },
        { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: m.code }] },
      ],
    },
  };
}

/** The template language for a Verity locale: the exact entry, else one of the same language, else English. */
export function templateLanguage(locale: string, map: Readonly<Record<string, string>>): string {
  if (Object.hasOwn(map, locale)) return map[locale] as string;
  const primary = locale.split(/[-_]/)[0]?.toLowerCase() ?? '';
  const same = Object.keys(map).find((k) => k.split(/[-_]/)[0]?.toLowerCase() === primary);
  if (same !== undefined) return map[same] as string;
  return Object.hasOwn(map, 'en') ? (map.en as string) : 'en_US';
}
