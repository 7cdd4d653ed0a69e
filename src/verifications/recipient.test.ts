import { describe, expect, it } from 'vitest';
import type { AppError } from '../errors/index.js';
import { channelFits } from '../kernel/channel.js';
import { normalizeRecipient } from './recipient.js';
import { generateCode } from './code.js';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as AppError).code;
  }
  return 'OK';
};

describe('recipients', () => {
  it('normalizes phone numbers to E.164 and records the country and line type', () => {
    expect(normalizeRecipient('sms', ' +55 (11) 98765-4321 ')).toEqual({ numberType: 'MOBILE', to: '+5511987654321', lineType: 'mobile', country: 'BR' });
    expect(normalizeRecipient('voice', '+55 11 3333-4444')).toEqual({ to: '+551133334444', lineType: 'fixed', country: 'BR', numberType: 'FIXED_LINE' });
  });

  it('refuses a fixed line for sms, whatsapp and rcs but not for voice', () => {
    for (const ch of ['sms', 'whatsapp', 'rcs'] as const) expect(codeOf(() => normalizeRecipient(ch, '+551133334444'))).toBe('NOT_A_MOBILE_NUMBER');
    expect(codeOf(() => normalizeRecipient('voice', '+551133334444'))).toBe('OK');
  });

  it('refuses numbers that are not valid or not international', () => {
    for (const n of ['5511987654321', '+1234', '+99912345678', '+', 'abc', `+${'9'.repeat(40)}`]) {
      expect(codeOf(() => normalizeRecipient('sms', n))).toBe('INVALID_PHONE_NUMBER');
    }
  });

  it('lower-cases and validates email addresses', () => {
    expect(normalizeRecipient('email', ' Ana.Silva@Example.COM ').to).toBe('ana.silva@example.com');
    for (const e of ['ana', 'ana@', '@example.com', 'ana@example', 'a b@example.com', `${'a'.repeat(250)}@example.com`]) {
      expect(codeOf(() => normalizeRecipient('email', e))).toBe('INVALID_EMAIL');
    }
  });

  it('refuses a destination of the wrong kind for the channel', () => {
    expect(codeOf(() => normalizeRecipient('sms', 'ana@example.com'))).toBe('CHANNEL_MISMATCH');
    expect(codeOf(() => normalizeRecipient('email', '+5511987654321'))).toBe('CHANNEL_MISMATCH');
  });

  it('lets a magic number through whatever its line type', () => {
    expect(normalizeRecipient('sms', '+15005550006', (to) => to === '+15005550006').lineType).toBe('mobile');
    expect(codeOf(() => normalizeRecipient('sms', '+15005550006'))).toBe('NOT_A_MOBILE_NUMBER');
  });

  it('says which channels a verification can move to', () => {
    expect(channelFits('voice', 'mobile')).toBe(true);
    expect(channelFits('sms', 'fixed')).toBe(false);
    expect(channelFits('voice', 'fixed')).toBe(true);
    expect(channelFits('email', 'mobile')).toBe(false);
    expect(channelFits('sms', 'email')).toBe(false);
  });
});

describe('codes', () => {
  it('have the requested number of digits, leading zeros kept', () => {
    for (const len of [4, 6, 10]) for (let i = 0; i < 200; i++) expect(generateCode(len)).toMatch(new RegExp(`^\\d{${len}}$`));
  });

  it('spread over the digits (no digit is missing from 5,000 codes)', () => {
    const seen = new Set(Array.from({ length: 5000 }, () => generateCode(6)).join(''));
    expect(seen.size).toBe(10);
  });
});
