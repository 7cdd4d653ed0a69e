import { Type, type Static, type TLiteral } from 'typebox';
import { Value } from 'typebox/value';
import { defineSettings, overridesSchema, schemaProblems, setting } from '../../config/index.js';
import { CHANNELS, type Channel } from '../../kernel/channel.js';
import type { VerificationNumbers } from './verification-numbers.js';

const CHANNEL_SCHEMA = Type.Union(CHANNELS.map((c) => Type.Literal(c)) as unknown as [TLiteral<Channel>, ...TLiteral<Channel>[]]);

/**
 * What Message Central does not document, chosen here and configurable. Every answer's body is
 * the same whatever these say; only statuses, windows and the channel behind a flowType change.
 */
export const MessageCentralSettingsSchema = Type.Object({
  errorHttpStatus: Type.Integer({
    minimum: 200,
    maximum: 499,
    default: 400,
    'x-message': 'must be an HTTP status from 200 to 499',
    description:
      "HTTP status of every answer whose `responseCode` is not 200 (default 400). Message Central's clients disagree on whether it answers 200 or 400; all of them read `responseCode` from the body. Keep it within 200–499.",
  }),
  tokenErrorHttpStatus: Type.Integer({
    minimum: 200,
    maximum: 499,
    default: 200,
    'x-message': 'must be an HTTP status from 200 to 499',
    description: 'HTTP status of a refused token request, `{"status":400,"error":…}` (default 200, as reported of the vendor).',
  }),
  tokenTtlS: Type.Integer({
    minimum: 60,
    maximum: 10 * 365 * 86_400,
    default: 1825 * 86_400,
    'x-message': 'must be from 60 seconds to 10 years',
    description: "Lifetime of a token, seconds (default 1825 days, like the vendor's own tokens).",
  }),
  resendWindowS: Type.Integer({
    minimum: 0,
    maximum: 86_400,
    default: 60,
    'x-message': 'must be from 0 to 86400 seconds',
    description: 'Seconds after a send during which another send to the same destination answers 506 REQUEST_ALREADY_EXISTS with the pending verification (default 60); also the `timeout` field.',
  }),
  defaultOtpLength: Type.Integer({ minimum: 4, maximum: 8, default: 4, 'x-message': 'must be from 4 to 8', description: "otpLength when the request gives none (default 4, the vendor's)." }),
  flows: Type.Record(Type.String(), CHANNEL_SCHEMA, {
    default: { SMS: 'sms', WHATSAPP: 'whatsapp', RCS: 'rcs', AUDIO: 'voice', EMAIL: 'email', SAUTH: 'silent' },
    'x-message': `must map flowTypes to channels (${CHANNELS.join(', ')})`,
    description: 'flowType → Verity channel. A flowType missing here answers 400 BAD_REQUEST. SAUTH is silent verification: the send answers `authUrl`, which the device opens over its mobile data.',
  }),
});

export type MessageCentralSettings = Omit<Static<typeof MessageCentralSettingsSchema>, 'flows'> & { flows: Readonly<Record<string, Channel>> };

export const DEFAULT_MESSAGECENTRAL_SETTINGS: MessageCentralSettings = Value.Create(MessageCentralSettingsSchema);

const OVERRIDES = overridesSchema(MessageCentralSettingsSchema);

/** What is wrong with the given settings, one sentence each; empty when they can be used. */
export function messageCentralSettingsProblems(s: Partial<MessageCentralSettings>): string[] {
  const set = Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined));
  return schemaProblems(OVERRIDES, set, '');
}

/** COMPAT_MESSAGECENTRAL: overrides of the settings above, checked against their schema at boot. */
export const MESSAGECENTRAL_SETTINGS = defineSettings({
  name: 'messagecentral',
  vendor: 'messagecentral',
  after: 'compat.vendors',
  settings: {
    'compat.messagecentral': setting.json(
      { env: 'COMPAT_MESSAGECENTRAL', description: 'Message Central VerifyNow settings as a JSON object; each key and its default is listed under Vendor APIs (e.g. `{"errorHttpStatus": 400}`).' },
      OVERRIDES,
    ),
  },
});

/** The given settings over the defaults; throws, naming every problem, when they cannot be used. */
export function resolveMessageCentralSettings(given: Partial<MessageCentralSettings>): MessageCentralSettings {
  const problems = messageCentralSettingsProblems(given);
  if (problems.length > 0) throw new Error(`Message Central settings: ${problems.join('; ')}`);
  const set = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as Partial<MessageCentralSettings>;
  const s = { ...DEFAULT_MESSAGECENTRAL_SETTINGS, ...set };
  // flowType is matched upper-cased.
  return { ...s, flows: Object.fromEntries(Object.entries(s.flows).map(([k, v]) => [k.toUpperCase(), v])) };
}

/** The settings, plus what the server hands over that is not configuration. */
export type MessageCentralOptions = Partial<MessageCentralSettings> & {
  /**
   * Server key the tokens are signed under (each credential gets its own key derived from it).
   * Without it a credential's key is derived from its password alone, so anyone holding the
   * password can mint tokens, which the token endpoint lets them do anyway.
   */
  signingKey?: Uint8Array | undefined;
  /** Where verificationIds are kept; in memory (one instance, lost on restart) when absent. */
  numbers?: VerificationNumbers | undefined;
};
