import type { VerificationView } from './view.js';

/** The export's columns, in order: the fields of the API's view that fit a cell. */
export const CSV_COLUMNS = [
  'id',
  'created_at',
  'updated_at',
  'status',
  'channel',
  'to',
  'country',
  'line_type',
  'service_id',
  'attempts',
  'sends',
  'failure_reason',
  'failure_provider_error',
  'metadata',
] as const;

// A cell a spreadsheet would run as a formula (OWASP CSV injection) starts with one of these.
const FORMULA = /^[=+\-@\t\r]/;

/** One RFC 4180 cell: quoted when it holds a comma, quote or line break; a would-be formula gets a leading '. */
function cell(value: unknown, column: string): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  // A destination is `+` and digits, or an address: never a formula, and kept as written.
  if (column !== 'to' && FORMULA.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const csvHeader = `${CSV_COLUMNS.join(',')}\r\n`;

export function csvRow(v: VerificationView): string {
  return `${CSV_COLUMNS.map((c) => cell(v[c], c)).join(',')}\r\n`;
}
