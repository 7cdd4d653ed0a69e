import type { Charset } from './wire-format.js';

/**
 * SMSC `wait_call` settings. SMSC documents the anti-loop limit, the formats and the handler's
 * hash guard; everything else here is a choice made where SMSC says nothing.
 */
export interface SmscSettings {
  /** Identical requests (same login, same phone) accepted per window; the next answers error 9. 0 turns it off. Default 50, SMSC's documented limit. */
  duplicateLimit: number;
  /** The window of `duplicateLimit`, seconds. Default 60 (SMSC: "within a minute"). */
  duplicateWindowS: number;
  /** Response encoding when the request names none (SMSC's default). Default `windows-1251`. */
  defaultCharset: Charset;
  /** How the number to call is written: `digits` (`79991234567`, SMSC's style) or `e164` (`+79991234567`). Default `digits`. */
  phoneFormat: 'digits' | 'e164';
  /** The error answered when no pool number serves the subscriber's country (SMSC lists none for it). Default 1, parameters error. */
  noNumberError: number;
  /** `mes` of the handler callback, the service message's text (ASCII; SMSC's own text is not public). Default `call`. */
  callbackMessage: string;
  /** The time zone of the callback's `sent` field, minutes east of UTC. Default 180, SMSC's Moscow clock. */
  callbackUtcOffsetMin: number;
  /** How a `crc32` guard is written: `decimal` (PHP's `crc32()`) or `hex` (`hash('crc32b')`). Default `decimal`. */
  crc32Format: 'decimal' | 'hex';
  /** Tries per callback, the first included. Default 4. */
  callbackAttempts: number;
  /** Wait before the second try, ×4 for each one after (1 s, 4 s, 16 s). Default 1000 ms. */
  callbackBackoffMs: number;
  /** How long one try may take. Default 5000 ms. */
  callbackTimeoutMs: number;
  /** Let a handler URL reach loopback, private or link-local addresses (off: refused, against SSRF). Default false; wire it to WEBHOOK_ALLOW_PRIVATE. */
  allowPrivate: boolean;
}

export const DEFAULT_SMSC_SETTINGS: SmscSettings = {
  duplicateLimit: 50,
  duplicateWindowS: 60,
  defaultCharset: 'windows-1251',
  phoneFormat: 'digits',
  noNumberError: 1,
  callbackMessage: 'call',
  callbackUtcOffsetMin: 180,
  crc32Format: 'decimal',
  callbackAttempts: 4,
  callbackBackoffMs: 1000,
  callbackTimeoutMs: 5000,
  allowPrivate: false,
};
