import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/** `mobileNumber` as the vendor echoes it: the national number, without the country code; null for an address. */
export function mobileOf(to: string): string | null {
  if (!to.startsWith('+')) return null;
  return parsePhoneNumberFromString(to)?.nationalNumber ?? null;
}
