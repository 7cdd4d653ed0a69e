import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { defineSettings, overridesSchema, setting } from '../../config/index.js';

/**
 * SMSC `wait_call` settings. SMSC documents the anti-loop limit, the formats and the handler's
 * hash guard; everything else here is a choice made where SMSC says nothing.
 */
export const SmscSettingsSchema = Type.Object({
  duplicateLimit: Type.Integer({
    minimum: 0,
    default: 50,
    description: "Identical requests (same login, same phone) accepted per window; the next answers error 9. 0 turns it off. Default 50, SMSC's documented limit.",
  }),
  duplicateWindowS: Type.Integer({ minimum: 1, default: 60, description: 'The window of `duplicateLimit`, seconds. Default 60 (SMSC: "within a minute").' }),
  defaultCharset: Type.Union([Type.Literal('windows-1251'), Type.Literal('utf-8'), Type.Literal('koi8-r')], {
    default: 'windows-1251',
    description: "Response encoding when the request names none (SMSC's default). Default `windows-1251`.",
  }),
  phoneFormat: Type.Union([Type.Literal('digits'), Type.Literal('e164')], {
    default: 'digits',
    description: "How the number to call is written: `digits` (`79991234567`, SMSC's style) or `e164` (`+79991234567`). Default `digits`.",
  }),
  noNumberError: Type.Integer({ default: 1, description: "The error answered when no pool number serves the subscriber's country (SMSC lists none for it). Default 1, parameters error." }),
  callbackMessage: Type.String({ default: 'call', description: "`mes` of the handler callback, the service message's text (ASCII; SMSC's own text is not public). Default `call`." }),
  callbackUtcOffsetMin: Type.Integer({
    minimum: -720,
    maximum: 840,
    default: 180,
    description: "The time zone of the callback's `sent` field, minutes east of UTC. Default 180, SMSC's Moscow clock.",
  }),
  crc32Format: Type.Union([Type.Literal('decimal'), Type.Literal('hex')], {
    default: 'decimal',
    description: "How a `crc32` guard is written: `decimal` (PHP's `crc32()`) or `hex` (`hash('crc32b')`). Default `decimal`.",
  }),
  callbackAttempts: Type.Integer({ minimum: 1, default: 4, description: 'Tries per callback, the first included. Default 4.' }),
  callbackBackoffMs: Type.Integer({ minimum: 0, default: 1000, description: 'Wait before the second try, ×4 for each one after (1 s, 4 s, 16 s). Default 1000 ms.' }),
  callbackTimeoutMs: Type.Integer({ minimum: 1, default: 5000, description: 'How long one try may take. Default 5000 ms.' }),
  allowPrivate: Type.Boolean({
    default: false,
    description: 'Let a handler URL reach loopback, private or link-local addresses (off: refused, against SSRF). Default: the value of OUTBOUND_ALLOW_PRIVATE.',
  }),
});

export type SmscSettings = Static<typeof SmscSettingsSchema>;

export const DEFAULT_SMSC_SETTINGS: SmscSettings = Value.Create(SmscSettingsSchema);

/** COMPAT_SMSC: overrides of the settings above, checked against their schema at boot. */
export const SMSC_SETTINGS = defineSettings({
  name: 'smsc',
  vendor: 'smsc',
  after: 'compat.vendors',
  settings: {
    'compat.smsc': setting.json(
      { env: 'COMPAT_SMSC', description: 'SMSC `wait_call` settings as a JSON object; each key and its default is listed under Vendor APIs (e.g. `{"duplicateLimit": 50, "phoneFormat": "digits"}`).' },
      overridesSchema(SmscSettingsSchema),
    ),
  },
});
