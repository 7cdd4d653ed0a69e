import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';

export const smppOptions = Type.Object(
  {
    host: Type.String({ minLength: 1, description: 'SMSC host name or IP address. Required.' }),
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 2775, description: 'SMSC port. Default 2775.' }),
    systemId: Type.String({ minLength: 1, description: 'system_id sent in bind_transceiver. Required.' }),
    password: Type.String({ description: 'Password sent in bind_transceiver (secret). Required. SMPP 3.4 allows 8 characters; not enforced, as some SMSCs issue longer ones.' }),
    systemType: Type.String({ maxLength: 12, default: '', description: "system_type sent in bind_transceiver. Default '' (none)." }),
    sourceAddr: Type.String({
      minLength: 1,
      maxLength: 20,
      default: 'Verity',
      description: "Sender used when a message asks for none: letters make an alphanumeric sender (TON 5 / NPI 0), digits an international number (TON 1 / NPI 1). Default 'Verity'.",
    }),
    windowSize: Type.Integer({ minimum: 1, maximum: 1000, default: 10, description: 'Most submit_sm awaiting their submit_sm_resp at once; further sends queue in order. Default 10.' }),
    enquireLinkS: Type.Number({ exclusiveMinimum: 0, default: 30, description: 'Seconds between enquire_link keep-alives on the bound session. Default 30.' }),
    responseTimeoutMs: Type.Integer({
      minimum: 1,
      default: 10000,
      description: 'How long to wait for a submit_sm_resp or enquire_link_resp before giving up (a missing enquire_link_resp drops the link). Default 10000.',
    }),
    connectTimeoutMs: Type.Integer({
      minimum: 1,
      default: 5000,
      description: 'How long a connect + bind may take, and how long a send waits for a link that is down before failing with CONNECTION_FAILED. Default 5000.',
    }),
    reconnectMaxS: Type.Number({ exclusiveMinimum: 0, default: 30, description: 'Ceiling of the reconnect backoff, which starts at 0.5 s and doubles. Default 30.' }),
    tls: Type.Boolean({ default: false, description: 'Connect over TLS (certificate checked against host). Default false.' }),
    countries: Type.Optional(Type.Array(Type.String({ pattern: '^[1-9][0-9]{0,2}$' }), { description: "Country calling codes this SMSC serves (['55', '62']). Default: every country." })),
  },
  { additionalProperties: false },
);

export type SmppOptions = Static<typeof smppOptions>;

/** The options with every default filled in, whether or not the caller already applied them. */
export function withDefaults(options: Partial<SmppOptions>): SmppOptions {
  return Value.Default(smppOptions, structuredClone(options)) as SmppOptions;
}

/** The option keys that must never be shown back or logged. */
export const smppSecrets = ['password'] as const;
