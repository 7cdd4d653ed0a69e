import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';

export const TwilioOptionsSchema = Type.Object(
  {
    accountSid: Type.String({ pattern: '^AC[0-9a-fA-F]{32}$', description: 'Account SID (AC…): part of the API path. Required.' }),
    authToken: Type.String({
      minLength: 1,
      description: 'Auth Token (secret): signs the status callbacks, and authenticates sends unless an API key is set. Required.',
    }),
    apiKeySid: Type.Optional(Type.String({ pattern: '^SK[0-9a-fA-F]{32}$', description: 'API key SID (SK…) used for sends instead of the Auth Token. Default none. Set together with apiKeySecret.' })),
    apiKeySecret: Type.Optional(Type.String({ minLength: 1, description: 'API key secret (secret). Default none. Set together with apiKeySid.' })),
    from: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 32,
        description: 'Sender used when a message asks for none: an E.164 Twilio number or an alphanumeric sender id. Default none; then messagingServiceSid is required.',
      }),
    ),
    messagingServiceSid: Type.Optional(
      Type.String({ pattern: '^MG[0-9a-fA-F]{32}$', description: 'Messaging Service SID (MG…): Twilio picks the sender from its pool. Default none; then from is required.' }),
    ),
    statusCallback: Type.Optional(Type.Boolean({ default: true, description: 'Ask Twilio for delivery status callbacks at this provider’s callback URL. Default true.' })),
    baseUrl: Type.Optional(Type.String({ pattern: '^https?://', default: 'https://api.twilio.com', description: 'API base URL. Default https://api.twilio.com.' })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000, description: 'Time allowed for one API call, connect to last byte, in milliseconds. Default 10000.' })),
    countries: Type.Optional(Type.Array(Type.String({ pattern: '^[1-9][0-9]{0,2}$' }), { description: "Country calling codes served (['1', '44']). Default: every country." })),
  },
  { additionalProperties: false, description: 'Twilio Programmable Messaging (SMS).' },
);

export type TwilioOptions = Static<typeof TwilioOptionsSchema>;

export type ResolvedTwilioOptions = TwilioOptions & Required<Pick<TwilioOptions, 'statusCallback' | 'baseUrl' | 'timeoutMs'>>;

/** Fills the defaults and checks what the schema cannot say: a sender source, and key pairs. */
export function resolveOptions(options: TwilioOptions, name: string): ResolvedTwilioOptions {
  const o = Value.Default(TwilioOptionsSchema, structuredClone(options)) as ResolvedTwilioOptions;
  if (!o.from && !o.messagingServiceSid) throw new Error(`twilio provider "${name}": set from or messagingServiceSid`);
  if ((o.apiKeySid === undefined) !== (o.apiKeySecret === undefined)) throw new Error(`twilio provider "${name}": set apiKeySid and apiKeySecret together`);
  return { ...o, baseUrl: o.baseUrl.replace(/\/+$/, '') };
}
