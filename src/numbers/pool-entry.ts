import { getCountries, getCountryCallingCode, isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

export const PURPOSES = ['reverse_call', 'flash_call'] as const;
export type NumberPurpose = (typeof PURPOSES)[number];

/** One number of a pool: the account's own (from the API) or the server's (INBOUND_NUMBERS). */
export interface PoolEntry {
  /** E.164; a flash-call entry may instead end in 4–6 upper-case X that the code fills. */
  number: string;
  purpose: NumberPurpose;
  /** ISO 3166 alpha-2 of the destinations it serves, or '*' for any destination. */
  country: string;
}

export interface EntryInput {
  number: string;
  purpose: string;
  country?: string | undefined;
}

/** Calling codes of every country libphonenumber knows: a pattern must start with one. */
const CALLING_CODES: ReadonlySet<string> = new Set(getCountries().map((c) => getCountryCallingCode(c)));

// '+', a non-zero digit, more digits, then 4–6 X; the whole at most 16 characters (E.164's 15 digits).
const PATTERN = /^\+[1-9]\d*X{4,6}$/;
const MIN_PATTERN_LENGTH = 9; // '+' and 8 digits or X: shorter is no subscriber number anywhere

/** The form a number is stored and looked up in: no separators, wildcards upper-case. */
export function canonicalNumber(raw: string): string {
  return raw.replace(/[\s\-().]/g, '').toUpperCase();
}

function parseCountry(raw: string | undefined): string | undefined | { problem: string } {
  if (raw === undefined) return undefined;
  const c = raw.trim().toUpperCase();
  if (c === '*' || (/^[A-Z]{2}$/.test(c) && isSupportedCountry(c as CountryCode))) return c;
  return { problem: 'country must be "*" or an ISO 3166 alpha-2 code such as GB' };
}

function fullNumber(raw: string): { e164: string; country: string } | undefined {
  if (!raw.startsWith('+') || raw.length > 32) return undefined;
  const phone = parsePhoneNumberFromString(raw);
  if (!phone?.isValid()) return undefined;
  return { e164: phone.number, country: phone.country ?? '*' };
}

function isPattern(number: string): boolean {
  if (!PATTERN.test(number) || number.length < MIN_PATTERN_LENGTH || number.length > 16) return false;
  const digits = number.slice(1);
  return [1, 2, 3].some((n) => CALLING_CODES.has(digits.slice(0, n)));
}

/**
 * Checks and normalizes one pool entry. A full number is stored as E.164 and, without a country,
 * serves the country it belongs to; a flash-call pattern serves the country given, else any.
 * Problems never quote the number: they can end up in logs.
 */
export function parseEntry(input: EntryInput): PoolEntry | { problem: string } {
  const purpose = input.purpose;
  if (purpose !== 'reverse_call' && purpose !== 'flash_call') return { problem: 'purpose must be reverse_call or flash_call' };
  const country = parseCountry(input.country);
  if (typeof country === 'object') return country;
  const raw = input.number.trim();
  if (purpose === 'flash_call' && /x/i.test(raw)) {
    const number = canonicalNumber(raw);
    if (!isPattern(number)) return { problem: 'a flash-call pattern is + and the digits of a number (with its country code) ending in 4 to 6 X, at most 16 characters' };
    return { number, purpose, country: country ?? '*' };
  }
  const full = fullNumber(raw);
  if (!full) return { problem: 'number must be a valid phone number in international format, starting with + and the country code' };
  return { number: full.e164, purpose, country: country ?? full.country };
}

/** Parses a configured list (INBOUND_NUMBERS); every bad entry is reported with its index. */
export function parseEntries(raw: unknown, where: string): { entries: PoolEntry[]; problems: string[] } {
  if (!Array.isArray(raw)) return { entries: [], problems: [`${where} must be a JSON list of {"number", "purpose", "country"?}`] };
  const entries: PoolEntry[] = [];
  const problems: string[] = [];
  raw.forEach((item: unknown, i) => {
    const e = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    if (typeof e.number !== 'string' || typeof e.purpose !== 'string' || (e.country !== undefined && typeof e.country !== 'string')) {
      problems.push(`${where}[${i}] needs a number and a purpose (strings), and optionally a country`);
      return;
    }
    const parsed = parseEntry({ number: e.number, purpose: e.purpose, country: e.country as string | undefined });
    if ('problem' in parsed) problems.push(`${where}[${i}]: ${parsed.problem}`);
    else if (entries.some((x) => x.number === parsed.number && x.purpose === parsed.purpose)) problems.push(`${where}[${i}]: the number is listed twice for ${parsed.purpose}`);
    else entries.push(parsed);
  });
  return { entries, problems };
}
