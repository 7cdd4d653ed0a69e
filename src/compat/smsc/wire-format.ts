/**
 * SMSC's answers, byte for byte: clients of `fmt=0` and `fmt=1` read them by position (the
 * official PHP library explodes `fmt=1` answers on `,`), so nothing here may gain a space or
 * a newline.
 */
export type Fmt = 0 | 1 | 2 | 3;
export type Charset = 'windows-1251' | 'utf-8' | 'koi8-r';

export interface Wire {
  fmt: Fmt;
  charset: Charset;
}

/** The descriptions SMSC's own servers put next to each code. */
export const SMSC_ERRORS: Readonly<Record<number, string>> = {
  1: 'parameters error',
  2: 'authorise error',
  3: 'no money',
  4: 'IP is blocked',
  9: 'duplicate request, wait a minute',
};

/** `fmt` as SMSC reads it: anything but 1, 2 or 3 is the plain-text default. */
export function fmtOf(raw: string | undefined): Fmt {
  const n = raw?.trim();
  return n === '1' ? 1 : n === '2' ? 2 : n === '3' ? 3 : 0;
}

/** A `charset` value, or undefined when it names none of the three SMSC speaks. */
export function charsetOf(raw: string | undefined): Charset | undefined {
  const c = raw?.trim().toLowerCase().replace(/[-_]/g, '');
  if (c === 'utf8') return 'utf-8';
  if (c === 'koi8r') return 'koi8-r';
  if (c === 'windows1251' || c === 'cp1251' || c === 'win1251') return 'windows-1251';
  return undefined;
}

export function contentType(w: Wire): string {
  const type = w.fmt === 3 ? 'application/json' : w.fmt === 2 ? 'text/xml' : 'text/plain';
  return `${type}; charset=${w.charset}`;
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The number the subscriber must call. */
export function phoneBody(fmt: Fmt, phone: string): string {
  if (fmt === 3) return `{"phone": ${JSON.stringify(phone)}}`;
  if (fmt === 2) return `<result>\n<phone>${xml(phone)}</phone>\n</result>`;
  return phone;
}

export function errorBody(fmt: Fmt, code: number, description = SMSC_ERRORS[code] ?? 'error'): string {
  switch (fmt) {
    case 0:
      return `ERROR = ${code} (${description})`;
    case 1:
      return `0,-${code}`;
    case 2:
      return `<result>\n<error>${xml(description)}</error>\n<error_code>${code}</error_code>\n</result>`;
    case 3:
      return `{"error": ${JSON.stringify(description)}, "error_code": ${code}}`;
  }
}
