import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';

export const DEFAULT_LANGUAGES: Readonly<Record<string, string>> = { en: 'en_US', 'pt-BR': 'pt_BR', es: 'es', ru: 'ru', id: 'id' };

export const WhatsAppOptionsSchema = Type.Object(
  {
    phoneNumberId: Type.String({ pattern: '^[0-9]{1,32}$', description: 'WhatsApp Business phone number ID (not the phone number) that sends. Required.' }),
    accessToken: Type.String({ minLength: 1, description: 'System-user access token with whatsapp_business_messaging (secret). Required.' }),
    templateName: Type.String({
      pattern: '^[a-z0-9_]{1,512}$',
      description: 'Name of the approved authentication template with a copy-code button ("<code> is your verification code."). Required.',
    }),
    languageMap: Type.Optional(
      Type.Record(Type.String(), Type.String({ pattern: '^[a-z]{2,3}(_[A-Za-z0-9]{2,4})?$' }), {
        default: DEFAULT_LANGUAGES,
        description: "Verity locale → template language code. Default { en: 'en_US', 'pt-BR': 'pt_BR', es: 'es', ru: 'ru', id: 'id' }; a locale not listed falls back on its language, then on en.",
      }),
    ),
    appSecret: Type.Optional(
      Type.String({ minLength: 1, description: 'Meta app secret (secret): when set, webhooks must carry a valid X-Hub-Signature-256. Default none: webhooks are accepted unsigned.' }),
    ),
    verifyToken: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'Verify token (secret) typed into the app dashboard when subscribing the webhook; Meta sends it back in the hub.verify_token GET it expects hub.challenge echoed to. Default none: subscription checks are refused.',
      }),
    ),
    apiVersion: Type.Optional(Type.String({ pattern: '^v[0-9]+\\.[0-9]+$', default: 'v21.0', description: 'Graph API version. Default v21.0.' })),
    baseUrl: Type.Optional(Type.String({ pattern: '^https?://', default: 'https://graph.facebook.com', description: 'Graph API base URL. Default https://graph.facebook.com.' })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000, description: 'Time allowed for one API call, connect to last byte, in milliseconds. Default 10000.' })),
    countries: Type.Optional(Type.Array(Type.String({ pattern: '^[1-9][0-9]{0,2}$' }), { description: "Country calling codes served (['55', '62']). Default: every country." })),
  },
  { additionalProperties: false, description: 'WhatsApp Cloud API, sending an authentication (copy-code) template.' },
);

export type WhatsAppOptions = Static<typeof WhatsAppOptionsSchema>;
export type ResolvedWhatsAppOptions = WhatsAppOptions & Required<Pick<WhatsAppOptions, 'languageMap' | 'apiVersion' | 'baseUrl' | 'timeoutMs'>>;

export function resolveOptions(options: WhatsAppOptions): ResolvedWhatsAppOptions {
  const o = Value.Default(WhatsAppOptionsSchema, structuredClone(options)) as ResolvedWhatsAppOptions;
  return { ...o, baseUrl: o.baseUrl.replace(/\/+$/, '') };
}
