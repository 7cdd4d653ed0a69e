import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';

export const VonageOptionsSchema = Type.Object(
  {
    apiKey: Type.String({ minLength: 1, maxLength: 64, description: 'API key (api_key). Required.' }),
    apiSecret: Type.String({ minLength: 1, description: 'API secret (api_secret, secret). Required.' }),
    from: Type.String({
      minLength: 1,
      maxLength: 15,
      description: 'Sender used when a message asks for none: a number in international format without + or an alphanumeric id (up to 11 characters). Required.',
    }),
    signatureSecret: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'Signature secret (secret) of signed webhooks: when set, every delivery receipt must carry a valid `sig` (Vonage signs webhooks only once support enables it on the account). Default none: receipts are accepted unsigned.',
      }),
    ),
    signatureMethod: Type.Optional(
      Type.Union([Type.Literal('md5hash'), Type.Literal('md5'), Type.Literal('sha1'), Type.Literal('sha256'), Type.Literal('sha512')], {
        default: 'md5hash',
        description: "Signing method chosen in the Vonage dashboard: md5hash, md5, sha1, sha256 or sha512 (the last four are HMACs). Default 'md5hash', Vonage's own default.",
      }),
    ),
    deliveryReceipts: Type.Optional(Type.Boolean({ default: true, description: 'Send this provider’s callback URL as `callback`, so receipts come here. Default true.' })),
    baseUrl: Type.Optional(Type.String({ pattern: '^https?://', default: 'https://rest.nexmo.com', description: 'SMS API base URL. Default https://rest.nexmo.com.' })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000, description: 'Time allowed for one API call, connect to last byte, in milliseconds. Default 10000.' })),
    countries: Type.Optional(Type.Array(Type.String({ pattern: '^[1-9][0-9]{0,2}$' }), { description: "Country calling codes served (['44', '49']). Default: every country." })),
  },
  { additionalProperties: false, description: 'Vonage (Nexmo) SMS API.' },
);

export type VonageOptions = Static<typeof VonageOptionsSchema>;
export type SignatureMethod = NonNullable<VonageOptions['signatureMethod']>;
export type ResolvedVonageOptions = VonageOptions & Required<Pick<VonageOptions, 'signatureMethod' | 'deliveryReceipts' | 'baseUrl' | 'timeoutMs'>>;

export function resolveOptions(options: VonageOptions): ResolvedVonageOptions {
  const o = Value.Default(VonageOptionsSchema, structuredClone(options)) as ResolvedVonageOptions;
  return { ...o, baseUrl: o.baseUrl.replace(/\/+$/, '') };
}
