import { CHANNELS, type Channel } from '../../verifications/recipient.js';
import type { VerificationNumbers } from './verification-numbers.js';

/**
 * What Message Central does not document, chosen here and configurable. Every answer's body is
 * the same whatever these say; only statuses, windows and the channel behind a flowType change.
 */
export interface MessageCentralSettings {
  /**
   * HTTP status of every answer whose `responseCode` is not 200 (default 400). Message Central's
   * clients disagree on whether it answers 200 or 400; all of them read `responseCode` from the body.
   * Keep it within 200–499.
   */
  errorHttpStatus: number;
  /** HTTP status of a refused token request, `{"status":400,"error":…}` (default 200, as reported of the vendor). */
  tokenErrorHttpStatus: number;
  /** Lifetime of a token, seconds (default 1825 days, like the vendor's own tokens). */
  tokenTtlS: number;
  /**
   * Seconds after a send during which another send to the same destination answers 506
   * REQUEST_ALREADY_EXISTS with the pending verification (default 60); also the `timeout` field.
   */
  resendWindowS: number;
  /** otpLength when the request gives none (default 4, the vendor's). */
  defaultOtpLength: number;
  /**
   * flowType → Verity channel. A flowType missing here answers 400 BAD_REQUEST. SAUTH is silent
   * verification: the send answers `authUrl`, which the device opens over its mobile data.
   */
  flows: Readonly<Record<string, Channel>>;
}

export const DEFAULT_MESSAGECENTRAL_SETTINGS: MessageCentralSettings = {
  errorHttpStatus: 400,
  tokenErrorHttpStatus: 200,
  tokenTtlS: 1825 * 86_400,
  resendWindowS: 60,
  defaultOtpLength: 4,
  flows: { SMS: 'sms', WHATSAPP: 'whatsapp', RCS: 'rcs', AUDIO: 'voice', EMAIL: 'email', SAUTH: 'silent' },
};

const int = (v: unknown, lo: number, hi: number) => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;

/** What is wrong with the given settings, one sentence each; empty when they can be used. */
export function messageCentralSettingsProblems(s: Partial<MessageCentralSettings>): string[] {
  const problems: string[] = [];
  if (s.errorHttpStatus !== undefined && !int(s.errorHttpStatus, 200, 499)) problems.push('errorHttpStatus must be an HTTP status from 200 to 499');
  if (s.tokenErrorHttpStatus !== undefined && !int(s.tokenErrorHttpStatus, 200, 499)) problems.push('tokenErrorHttpStatus must be an HTTP status from 200 to 499');
  if (s.tokenTtlS !== undefined && !int(s.tokenTtlS, 60, 10 * 365 * 86_400)) problems.push('tokenTtlS must be from 60 seconds to 10 years');
  if (s.resendWindowS !== undefined && !int(s.resendWindowS, 0, 86_400)) problems.push('resendWindowS must be from 0 to 86400 seconds');
  if (s.defaultOtpLength !== undefined && !int(s.defaultOtpLength, 4, 8)) problems.push('defaultOtpLength must be from 4 to 8');
  if (s.flows !== undefined) {
    const flows: unknown = s.flows;
    const ok = typeof flows === 'object' && flows !== null && !Array.isArray(flows) && Object.values(flows).every((c) => (CHANNELS as readonly unknown[]).includes(c));
    if (!ok) problems.push(`flows must map flowTypes to channels (${CHANNELS.join(', ')})`);
  }
  return problems;
}

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
