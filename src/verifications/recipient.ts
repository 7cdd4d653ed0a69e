import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { AppError } from '../errors/index.js';

export const PHONE_CHANNELS = ['sms', 'whatsapp', 'rcs', 'voice', 'ivr', 'flash_call', 'reverse_call', 'silent'] as const;
export const CHANNELS = [...PHONE_CHANNELS, 'email'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Channels that send Verity something to deliver (a message or an outbound call). */
export const DELIVERED_CHANNELS = ['sms', 'whatsapp', 'rcs', 'voice', 'ivr', 'flash_call', 'email'] as const;
/**
 * Whether a step on `channel` sends something to the destination, and so counts against its send
 * limit: a reverse call waits for the user's call and a silent step asks the network.
 */
export function sendsToDestination(channel: Channel): boolean {
  return channel !== 'reverse_call' && channel !== 'silent';
}

/** Channels delivered by placing a call. */
export const CALL_CHANNELS = ['voice', 'ivr', 'flash_call'] as const;
export type CallChannel = (typeof CALL_CHANNELS)[number];

export function isCallChannel(channel: string): channel is CallChannel {
  return channel === 'voice' || channel === 'ivr' || channel === 'flash_call';
}

/**
 * Channels that need a mobile line: messages, a caller id read by an app (flash call) and the
 * mobile network's own data (silent). Voice, IVR and reverse call also work with a fixed line.
 */
const NEEDS_MOBILE: ReadonlySet<string> = new Set(['sms', 'whatsapp', 'rcs', 'flash_call', 'silent']);

export type LineType = 'mobile' | 'fixed' | 'email';

export interface Recipient {
  to: string; // E.164 or lower-cased address: the form used in storage and limiter keys
  lineType: LineType;
  country: string | null;
}

// The WHATWG "valid e-mail address" grammar: what browsers accept in <input type=email>.
const EMAIL = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+$/;

function normalizeEmail(raw: string): Recipient {
  const to = raw.trim().toLowerCase();
  if (to.length > 254 || !EMAIL.test(to)) throw new AppError('INVALID_EMAIL', 'to must be an email address such as user@example.com');
  return { to, lineType: 'email', country: null };
}

function normalizePhone(raw: string, channel: Channel, isMagic: (to: string) => boolean): Recipient {
  const trimmed = raw.trim();
  if (!trimmed.startsWith('+') || trimmed.length > 32) {
    throw new AppError('INVALID_PHONE_NUMBER', 'to must be a phone number in international format, starting with + and the country code');
  }
  const phone = parsePhoneNumberFromString(trimmed);
  if (!phone) throw new AppError('INVALID_PHONE_NUMBER', 'to is not a phone number');
  const e164 = phone.number;
  // Magic test numbers are chosen from ranges no carrier assigns, so they skip the line-type rules.
  if (isMagic(e164)) return { to: e164, lineType: 'mobile', country: phone.country ?? null };
  if (!phone.isValid()) throw new AppError('INVALID_PHONE_NUMBER', 'to is not a valid phone number for its country');
  const type = phone.getType();
  // Some numbering plans (e.g. NANP) cannot tell mobile from fixed, so "either" counts as mobile.
  const mobile = type === undefined || type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE';
  if (!mobile && NEEDS_MOBILE.has(channel)) {
    throw new AppError('NOT_A_MOBILE_NUMBER', `${channel} needs a mobile number; this one is ${type.toLowerCase().replaceAll('_', ' ')}`);
  }
  return { to: e164, lineType: mobile ? 'mobile' : 'fixed', country: phone.country ?? null };
}

export function normalizeRecipient(channel: Channel, raw: string, isMagic: (to: string) => boolean = () => false): Recipient {
  if (channel === 'email') {
    if (raw.trim().startsWith('+')) throw new AppError('CHANNEL_MISMATCH', 'email needs an email address, not a phone number');
    return normalizeEmail(raw);
  }
  if (raw.includes('@')) throw new AppError('CHANNEL_MISMATCH', `${channel} needs a phone number, not an email address`);
  return normalizePhone(raw, channel, isMagic);
}

/** Whether a verification already started for `lineType` can move to `channel` (resend on another channel). */
export function channelFits(channel: Channel, lineType: LineType): boolean {
  if (lineType === 'email') return channel === 'email';
  if (channel === 'email') return false;
  return lineType === 'mobile' || !NEEDS_MOBILE.has(channel);
}
