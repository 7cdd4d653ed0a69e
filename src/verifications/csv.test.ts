import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csvHeader, csvRow } from './csv.js';
import type { VerificationView } from './view.js';

const view = (over: Partial<VerificationView>): VerificationView => ({
  id: 'ver_1',
  service_id: null,
  to: '+5511987654321',
  channel: 'sms',
  status: 'failed',
  locale: 'en',
  country: 'BR',
  line_type: 'mobile',
  attempts: 0,
  max_attempts: 5,
  sends: 1,
  max_sends: 5,
  next_send_at: null,
  expires_at: '2026-01-01T00:10:00.000Z',
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:01.000Z',
  metadata: null,
  call_to: null,
  redirect_url: null,
  failure_reason: 'undeliverable',
  failure_provider_error: null,
  ...over,
});

describe('the CSV export', () => {
  it('writes a header and one RFC 4180 row per verification, empty cells for nulls', () => {
    expect(csvHeader).toBe(`${CSV_COLUMNS.join(',')}\r\n`);
    expect(csvRow(view({}))).toBe('ver_1,2026-01-01T00:00:00.000Z,2026-01-01T00:00:01.000Z,failed,sms,+5511987654321,BR,mobile,,0,1,undeliverable,,\r\n');
  });

  it('quotes commas, quotes and line breaks, and keeps metadata as JSON', () => {
    const row = csvRow(view({ metadata: { note: 'a, "b"\nc' } }));
    expect(row.endsWith(`,"{""note"":""a, \\""b\\""\\nc""}"\r\n`)).toBe(true);
  });

  it('defuses a cell a spreadsheet would run as a formula, but keeps a destination as written', () => {
    const row = csvRow(view({ failure_provider_error: '=HYPERLINK("x")', to: '+15005550006' }));
    expect(row).toContain(`,"'=HYPERLINK(""x"")",`);
    expect(row).toContain(',+15005550006,');
    for (const lead of ['+', '-', '@', '\t']) expect(csvRow(view({ failure_provider_error: `${lead}1` }))).toContain(`,'${lead}1,`);
  });
});
