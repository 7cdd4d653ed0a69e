import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { defineSettings, overridesSchema, schemaProblems, setting } from '../../config/index.js';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_DURATION_S, DEFAULT_MAX_PER_ACCOUNT } from '../../sounds/index.js';

/**
 * The choices Zadarma's documents leave open, server-wide. A credential's own settings
 * (`PATCH /v1/compat/credentials/:id`) add `notify_url` and may override `notify_event`.
 */
export const ZadarmaSettingsSchema = Type.Object({
  rateLimitPerMin: Type.Integer({ minimum: 0, default: 100, description: 'Authenticated requests per key per minute (Zadarma documents 100); 0 turns the limit off. Default 100.' }),
  allowPrivate: Type.Boolean({
    default: false,
    description: 'Let notify_url reach loopback, private or link-local addresses (off: refused, against SSRF). Default: the value of OUTBOUND_ALLOW_PRIVATE.',
  }),
  notifyEvent: Type.Union([Type.Literal('NOTIFY_END'), Type.Literal('NOTIFY_OUT_END')], {
    default: 'NOTIFY_END',
    description: "The call_button result event: `NOTIFY_END` as Zadarma's own blog sample shows it, or `NOTIFY_OUT_END` as its openapi document says. Default NOTIFY_END.",
  }),
  notifyTimeZone: Type.String({ default: 'UTC', description: "IANA time zone of `call_start` in the notifications (Zadarma uses the account's zone). Default UTC." }),
  notifyInternal: Type.String({
    pattern: '^[0-9]{1,10}$',
    default: '100',
    'x-message': 'must be an extension number',
    description: "The PBX extension the notifications name as `internal` (Zadarma's sample: 100). Default '100'.",
  }),
  notifyAttempts: Type.Integer({ minimum: 1, maximum: 20, default: 4, description: 'Tries per notification, the first included. Default 4.' }),
  notifyRetryDelayMs: Type.Integer({ minimum: 1, default: 1000, description: 'Wait before the first retry, doubled after each; milliseconds. Default 1000.' }),
  notifyTimeoutMs: Type.Integer({ minimum: 1, default: 5000, description: 'Time allowed for one notification request (and the echo check); milliseconds. Default 5000.' }),
  notifyEchoCheck: Type.Boolean({
    default: true,
    description: 'Before a URL first gets a notification, it must answer `GET <url>?zd_echo=<random>` with the random value, as Zadarma asks when a URL is registered. Default true.',
  }),
  soundMaxBytes: Type.Integer({ minimum: 1, default: DEFAULT_MAX_BYTES, description: 'Largest sound file `/v1/pbx/ivr/sounds/upload` takes, bytes. Default 1 MiB (as `/v1/sounds`).' }),
  soundsPerAccount: Type.Integer({ minimum: 1, default: DEFAULT_MAX_PER_ACCOUNT, description: 'Sounds an account may hold. Default 50 (as `/v1/sounds`).' }),
  soundMaxDurationS: Type.Integer({ minimum: 1, default: DEFAULT_MAX_DURATION_S, description: 'Longest sound, seconds. Default 120 (as `/v1/sounds`).' }),
});

export type ZadarmaSettings = Static<typeof ZadarmaSettingsSchema>;
export type NotifyEvent = ZadarmaSettings['notifyEvent'];

export const DEFAULT_ZADARMA_SETTINGS: ZadarmaSettings = Value.Create(ZadarmaSettingsSchema);

/** What no schema keyword says: the time zone must be one this runtime knows. */
function timeZoneProblem(zone: unknown): string[] {
  if (typeof zone !== 'string') return []; // a wrong type is the schema's problem
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return [];
  } catch {
    return [`notifyTimeZone "${zone}" is not an IANA time zone`];
  }
}

/** COMPAT_ZADARMA: overrides of the settings above, checked against their schema at boot. */
export const ZADARMA_SETTINGS = defineSettings({
  name: 'zadarma',
  vendor: 'zadarma',
  after: 'compat.vendors',
  settings: {
    'compat.zadarma': setting.json(
      { env: 'COMPAT_ZADARMA', description: 'Zadarma settings as a JSON object; each key and its default is listed under Vendor APIs (e.g. `{"rateLimitPerMin": 100, "notifyEvent": "NOTIFY_END"}`).' },
      overridesSchema(ZadarmaSettingsSchema),
    ),
  },
  check: (c) => timeZoneProblem(c.compat.zadarma?.notifyTimeZone).map((p) => `COMPAT_ZADARMA.${p}`),
});

/** The defaults with `partial` over them; a value that cannot work fails at boot. */
export function resolveZadarmaSettings(partial: Partial<ZadarmaSettings>): ZadarmaSettings {
  const s = { ...DEFAULT_ZADARMA_SETTINGS, ...partial };
  const problems = [...schemaProblems(ZadarmaSettingsSchema, s, ''), ...timeZoneProblem(s.notifyTimeZone)];
  if (problems.length > 0) throw new Error(`zadarma compat settings: ${problems.join('; ')}`);
  return s;
}
