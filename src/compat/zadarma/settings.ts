import { DEFAULT_MAX_BYTES, DEFAULT_MAX_DURATION_S, DEFAULT_MAX_PER_ACCOUNT } from '../../sounds/index.js';

export type NotifyEvent = 'NOTIFY_END' | 'NOTIFY_OUT_END';

/**
 * The choices Zadarma's documents leave open, server-wide. A credential's own settings
 * (`PATCH /v1/compat/credentials/:id`) add `notify_url` and may override `notify_event`.
 */
export interface ZadarmaSettings {
  /** Authenticated requests per key per minute (Zadarma documents 100); 0 turns the limit off. Default 100. */
  rateLimitPerMin: number;
  /** Let notify_url reach loopback, private or link-local addresses (off: refused, against SSRF). Default false; wired to WEBHOOK_ALLOW_PRIVATE. */
  allowPrivate: boolean;
  /**
   * The call_button result event: `NOTIFY_END` as Zadarma's own blog sample shows it, or
   * `NOTIFY_OUT_END` as its openapi document says. Default NOTIFY_END.
   */
  notifyEvent: NotifyEvent;
  /** IANA time zone of `call_start` in the notifications (Zadarma uses the account's zone). Default UTC. */
  notifyTimeZone: string;
  /** The PBX extension the notifications name as `internal` (Zadarma's sample: 100). Default '100'. */
  notifyInternal: string;
  /** Tries per notification, the first included. Default 4. */
  notifyAttempts: number;
  /** Wait before the first retry, doubled after each; milliseconds. Default 1000. */
  notifyRetryDelayMs: number;
  /** Time allowed for one notification request (and the echo check); milliseconds. Default 5000. */
  notifyTimeoutMs: number;
  /**
   * Before a URL first gets a notification, it must answer `GET <url>?zd_echo=<random>` with the
   * random value, as Zadarma asks when a URL is registered. Default true.
   */
  notifyEchoCheck: boolean;
  /** Largest sound file `/v1/pbx/ivr/sounds/upload` takes, bytes. Default 1 MiB (as `/v1/sounds`). */
  soundMaxBytes: number;
  /** Sounds an account may hold. Default 50 (as `/v1/sounds`). */
  soundsPerAccount: number;
  /** Longest sound, seconds. Default 120 (as `/v1/sounds`). */
  soundMaxDurationS: number;
}

export const DEFAULT_ZADARMA_SETTINGS: ZadarmaSettings = {
  rateLimitPerMin: 100,
  allowPrivate: false,
  notifyEvent: 'NOTIFY_END',
  notifyTimeZone: 'UTC',
  notifyInternal: '100',
  notifyAttempts: 4,
  notifyRetryDelayMs: 1000,
  notifyTimeoutMs: 5000,
  notifyEchoCheck: true,
  soundMaxBytes: DEFAULT_MAX_BYTES,
  soundsPerAccount: DEFAULT_MAX_PER_ACCOUNT,
  soundMaxDurationS: DEFAULT_MAX_DURATION_S,
};

/** The defaults with `partial` over them; a value that cannot work fails at boot. */
export function resolveZadarmaSettings(partial: Partial<ZadarmaSettings>): ZadarmaSettings {
  const s = { ...DEFAULT_ZADARMA_SETTINGS, ...partial };
  const problems: string[] = [];
  if (!Number.isInteger(s.rateLimitPerMin) || s.rateLimitPerMin < 0) problems.push('rateLimitPerMin must be an integer ≥ 0');
  if (s.notifyEvent !== 'NOTIFY_END' && s.notifyEvent !== 'NOTIFY_OUT_END') problems.push('notifyEvent must be NOTIFY_END or NOTIFY_OUT_END');
  try {
    new Intl.DateTimeFormat('en', { timeZone: s.notifyTimeZone });
  } catch {
    problems.push(`notifyTimeZone "${s.notifyTimeZone}" is not an IANA time zone`);
  }
  if (!/^[0-9]{1,10}$/.test(s.notifyInternal)) problems.push('notifyInternal must be an extension number');
  if (!Number.isInteger(s.notifyAttempts) || s.notifyAttempts < 1 || s.notifyAttempts > 20) problems.push('notifyAttempts must be 1 to 20');
  for (const k of ['notifyRetryDelayMs', 'notifyTimeoutMs', 'soundMaxBytes', 'soundsPerAccount', 'soundMaxDurationS'] as const) {
    if (!Number.isInteger(s[k]) || s[k] <= 0) problems.push(`${k} must be a positive integer`);
  }
  if (problems.length > 0) throw new Error(`zadarma compat settings: ${problems.join('; ')}`);
  return s;
}
