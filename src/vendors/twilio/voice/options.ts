import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { DEFAULT_VOICES } from './tts-language.js';

const E164 = '^\\+[1-9][0-9]{6,14}$';

export const TwilioVoiceOptionsSchema = Type.Object(
  {
    accountSid: Type.String({ pattern: '^AC[0-9a-fA-F]{32}$', description: 'Account SID (AC…): part of the API path. Required.' }),
    authToken: Type.String({ minLength: 1, description: 'Auth Token (secret): authenticates calls to the API and signs every callback. Required.' }),
    from: Type.Optional(
      Type.String({ pattern: E164, description: 'Caller id (E.164 Twilio number) used when a call asks for none. Default none: every call must then bring its own (flash calls do).' }),
    ),
    voices: Type.Optional(
      Type.Record(Type.String({ pattern: '^[a-z]{2,3}-[A-Z]{2}$' }), Type.String({ minLength: 1, maxLength: 64 }), {
        description: `<Say> voice per Twilio language code, merged over the defaults ${JSON.stringify(DEFAULT_VOICES)} (Twilio's basic voices cannot speak pt-BR, ru-RU or id-ID).`,
      }),
    ),
    baseUrl: Type.Optional(Type.String({ pattern: '^https?://', default: 'https://api.twilio.com', description: 'API base URL. Default https://api.twilio.com.' })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000, description: 'Time allowed for one API call, connect to last byte, in milliseconds. Default 10000.' })),
    countries: Type.Optional(Type.Array(Type.String({ pattern: '^[1-9][0-9]{0,2}$' }), { description: "Country calling codes served (['1', '44']). Default: every country." })),
  },
  { additionalProperties: false, description: 'Twilio Programmable Voice: TTS and IVR calls, flash calls, inbound (reverse) calls.' },
);

export type TwilioVoiceOptions = Static<typeof TwilioVoiceOptionsSchema>;

export type ResolvedTwilioVoiceOptions = Omit<TwilioVoiceOptions, 'voices'> & Required<Pick<TwilioVoiceOptions, 'baseUrl' | 'timeoutMs'>> & { voices: Readonly<Record<string, string>> };

export function resolveOptions(options: TwilioVoiceOptions): ResolvedTwilioVoiceOptions {
  const o = Value.Default(TwilioVoiceOptionsSchema, structuredClone(options)) as TwilioVoiceOptions & Required<Pick<TwilioVoiceOptions, 'baseUrl' | 'timeoutMs'>>;
  return { ...o, baseUrl: o.baseUrl.replace(/\/+$/, ''), voices: { ...DEFAULT_VOICES, ...o.voices } };
}
