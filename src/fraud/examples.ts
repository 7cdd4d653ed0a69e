/**
 * The reference's examples of the fraud API (schemas.ts puts them on its schemas): one account
 * whose SMS to the United Kingdom is allowed and whose pumping rules refused a run of numbers.
 */

const ACCOUNT = 'acc_0nYQcXdarKVXSbiaoU7Y81';
const SERVICE = 'svc_0nZTNfA0n5ncZu8fGgL3Nu';

export const geoScopeExample = { service: null, channel: 'sms', default: 'block', countries: { GB: 'allow', IE: 'allow' } };

export const geoViewExample = {
  account: ACCOUNT,
  server: { allowed: [], blocked: ['KP'] },
  scopes: [{ service: null, channel: null, default: null, countries: { NG: 'block' } }, geoScopeExample],
};

const noCaps = { hourly: null, daily: null, monthly: null, country_daily: null, soft_percent: 80 };

export const fraudSettingsExample = {
  account: ACCOUNT,
  currency: 'USD',
  mode: 'shadow',
  threshold: 60,
  services: { [SERVICE]: { threshold: 75 } },
  caps: { hourly: 40, daily: 200, monthly: null, country_daily: { '*': 50 }, soft_percent: 80 },
  server: { mode: 'enforce', threshold: 60, caps: noCaps },
};

export const fraudSettingsPutExamples = [
  { mode: 'shadow', caps: { daily: 200, hourly: 40, country_daily: { '*': 50 } } },
  { service: SERVICE, threshold: 75 },
];

export const spendExample = {
  account: ACCOUNT,
  currency: 'USD',
  soft_percent: 80,
  periods: [
    { period: 'hour', start: '2026-05-04T10:00:00.000Z', end: '2026-05-04T11:00:00.000Z', spent: 3.15, cap: 40 },
    { period: 'day', start: '2026-05-04T00:00:00.000Z', end: '2026-05-05T00:00:00.000Z', spent: 27.9, cap: 200 },
    { period: 'month', start: '2026-05-01T00:00:00.000Z', end: '2026-06-01T00:00:00.000Z', spent: 182.4, cap: null },
  ],
  day_start: '2026-05-04T00:00:00.000Z',
  countries: [
    { country: 'GB', spent: 18.45, cap: 50 },
    { country: 'US', spent: 9.45, cap: 50 },
  ],
};

export const safeEntryExample = { entry: '+447700900123', kind: 'number', note: 'support desk test phone', created_at: '2026-05-04T10:15:00.000Z' };

export const safeListAddExamples = [
  { number: '+447700900123', note: 'support desk test phone' },
  { prefix: '+4477009001', note: 'QA device lab' },
];

export const safeListExample = {
  account: ACCOUNT,
  entries: [{ entry: '+4477009001', kind: 'prefix', note: 'QA device lab', created_at: '2026-04-20T08:30:00.000Z' }, safeEntryExample],
};

const signals = [
  { signal: 'sequential', strength: 1, points: 35, detail: '4 other recent destination(s) within 20 of this one in its block of a thousand' },
  { signal: 'conversion', strength: 0.72, points: 21.6, detail: '10% of 31 recent sends approved, against 71% for the account' },
  { signal: 'new_country', strength: 1, points: 20, detail: 'no approval to GB in the account’s last 30 days' },
];

export const decisionsExample = {
  decisions: [
    {
      id: 'fdc_0ngi1An4MLFVhfAr2iTP2A',
      created_at: '2026-05-04T10:14:12.000Z',
      action: 'start',
      outcome: 'refused',
      reason: 'sequential',
      mode: 'enforce',
      score: 77,
      threshold: 60,
      channel: 'sms',
      country: 'GB',
      prefix: '+447700900',
      service_id: SERVICE,
      verification_id: 'ver_0ngi1An4wRcvhE1Md33gb5',
      block_id: null,
      signals,
    },
  ],
  next_cursor: 'MTc3Nzg4OTY1MjAwMC5mZGNfMG5naTFBbjRNTEZWaGZBcjJpVFAyQQ',
};

const block = {
  id: 'fbk_0ngi1An4kyaum2w1cpMDtD',
  prefix: '+447700900',
  country: 'GB',
  level: 0,
  mode: 'enforce',
  active: true,
  created_at: '2026-05-04T10:14:12.000Z',
  expires_at: '2026-05-04T10:29:12.000Z',
  lifted_at: null,
  reasons: signals,
};

export const blocksExample = { account: ACCOUNT, blocks: [block] };

/** The block above, lifted by DELETE /v1/fraud/blocks/{id}. */
export const liftedBlockExample = { ...block, active: false, lifted_at: '2026-05-04T10:20:00.000Z' };
