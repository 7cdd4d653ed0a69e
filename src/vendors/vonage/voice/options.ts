import { createPrivateKey, type KeyObject } from 'node:crypto';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';

export const VonageVoiceOptionsSchema = Type.Object(
  {
    applicationId: Type.String({
      pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
      description: 'Id of the Vonage Voice application the calls belong to. Required.',
    }),
    privateKey: Type.String({ minLength: 1, description: "The application's RSA private key, PEM (secret): signs the JWT of every API call. Required." }),
    from: Type.Optional(
      Type.String({
        pattern: '^\\+?[1-9][0-9]{6,14}$',
        description: 'Caller id (a Vonage number, international format) used when a call asks for none. Default none: every call must then bring its own (flash calls do).',
      }),
    ),
    signatureSecret: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'Signature secret (secret) of the account: every webhook must then carry a valid signed JWT. Default none: webhooks are accepted unsigned, and inbound calls are not reported (anybody could claim one).',
      }),
    ),
    baseUrl: Type.Optional(Type.String({ pattern: '^https?://', default: 'https://api.nexmo.com', description: 'Voice API base URL. Default https://api.nexmo.com.' })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000, description: 'Time allowed for one API call, connect to last byte, in milliseconds. Default 10000.' })),
    countries: Type.Optional(Type.Array(Type.String({ pattern: '^[1-9][0-9]{0,2}$' }), { description: "Country calling codes served (['44', '49']). Default: every country." })),
  },
  { additionalProperties: false, description: 'Vonage Voice API: TTS and IVR calls, flash calls, inbound (reverse) calls.' },
);

export type VonageVoiceOptions = Static<typeof VonageVoiceOptionsSchema>;

export type ResolvedVonageVoiceOptions = Omit<VonageVoiceOptions, 'privateKey'> & Required<Pick<VonageVoiceOptions, 'baseUrl' | 'timeoutMs'>> & { privateKey: KeyObject };

/** Fills the defaults and reads the private key now, so a bad key fails at boot rather than on the first call. */
export function resolveOptions(options: VonageVoiceOptions, name: string): ResolvedVonageVoiceOptions {
  const o = Value.Default(VonageVoiceOptionsSchema, structuredClone(options)) as VonageVoiceOptions & Required<Pick<VonageVoiceOptions, 'baseUrl' | 'timeoutMs'>>;
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(o.privateKey);
  } catch {
    // The parser's error is left out: a config error must not carry any part of the key.
    throw new Error(`vonage-voice provider "${name}": privateKey is not a PEM private key`);
  }
  if (privateKey.asymmetricKeyType !== 'rsa') throw new Error(`vonage-voice provider "${name}": privateKey must be an RSA key (Vonage signs RS256)`);
  return { ...o, baseUrl: o.baseUrl.replace(/\/+$/, ''), privateKey };
}
