import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { AppError } from '../errors/index.js';
import { type Channel, needsMobile, type Recipient } from '../kernel/channel.js';

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
  if (!mobile && needsMobile(channel)) {
    throw new AppError('NOT_A_MOBILE_NUMBER', `${channel} needs a mobile number; this one is ${type.toLowerCase().replaceAll('_', ' ')}`);
  }
  return { to: e164, lineType: mobile ? 'mobile' : 'fixed', country: phone.country ?? null, numberType: type };
}

export function normalizeRecipient(channel: Channel, raw: string, isMagic: (to: string) => boolean = () => false): Recipient {
  if (channel === 'email') {
    if (raw.trim().startsWith('+')) throw new AppError('CHANNEL_MISMATCH', 'email needs an email address, not a phone number');
    return normalizeEmail(raw);
  }
  if (raw.includes('@')) throw new AppError('CHANNEL_MISMATCH', `${channel} needs a phone number, not an email address`);
  return normalizePhone(raw, channel, isMagic);
}
