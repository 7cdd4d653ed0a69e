/**
 * Calling-Station-Id as GGSNs/PGWs send it: the MSISDN in international format, with or without
 * a leading '+', sometimes with the '00' international prefix. Separators are not stripped: a
 * Wi-Fi MAC ('00-11-22-33-44-55') would otherwise pass for a number.
 */
const E164_DIGITS = /^[1-9]\d{6,14}$/; // E.164: at most 15 digits, no leading zero

/** The E.164 form ('+5511987654321'), or undefined when the value is not an international number. */
export function normalizeMsisdn(raw: string): string | undefined {
  // Some NASes NUL-terminate their strings.
  const value = raw.replace(/\0+$/, '').trim();
  let digits = value;
  if (value.startsWith('+')) digits = value.slice(1);
  else if (value.startsWith('00')) digits = value.slice(2);
  return E164_DIGITS.test(digits) ? `+${digits}` : undefined;
}

/**
 * Enough to tell two subscribers apart in a log, not enough to call one: the first 3 and last 2
 * digits ('+551********21'). Anything that is not a plausible number is masked whole.
 */
export function maskMsisdn(value: string): string {
  const plus = value.startsWith('+') ? '+' : '';
  const digits = plus ? value.slice(1) : value;
  if (!/^\d{6,}$/.test(digits)) return '***';
  return `${plus}${digits.slice(0, 3)}${'*'.repeat(digits.length - 5)}${digits.slice(-2)}`;
}
