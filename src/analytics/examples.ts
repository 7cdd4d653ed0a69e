/** The reference's examples of the analytics API: a month of SMS and email verifications of one account. */

const ACCOUNT = 'acc_0nYQcXdarKVXSbiaoU7Y81';
const FROM = '2026-04-05T00:00:00.000Z';
const TO = '2026-05-05T00:00:00.000Z';

const sms = {
  started: 1240,
  sent: 1238,
  delivered: 1196,
  approved: 1012,
  failed: 41,
  expired: 172,
  canceled: 6,
  pending: 9,
  conversion_rate: 0.8161,
  time_to_approve_p50_s: 24.5,
  time_to_approve_p90_s: 61.2,
  spend_micros: 9_780_200,
};

const email = {
  started: 310,
  sent: 310,
  delivered: 305,
  approved: 228,
  failed: 0,
  expired: 79,
  canceled: 1,
  pending: 2,
  conversion_rate: 0.7355,
  time_to_approve_p50_s: 48.3,
  time_to_approve_p90_s: 182.9,
  spend_micros: 0,
};

export const verificationAnalyticsExample = {
  account: ACCOUNT,
  from: FROM,
  to: TO,
  interval: null,
  group_by: ['channel'],
  currency: 'USD',
  totals: {
    started: 1550,
    sent: 1548,
    delivered: 1501,
    approved: 1240,
    failed: 41,
    expired: 251,
    canceled: 7,
    pending: 11,
    conversion_rate: 0.8,
    time_to_approve_p50_s: 28.1,
    time_to_approve_p90_s: 95.4,
    spend_micros: 9_780_200,
  },
  data: [
    { channel: 'sms', ...sms },
    { channel: 'email', ...email },
  ],
};

export const providerAnalyticsExample = {
  account: ACCOUNT,
  from: FROM,
  to: TO,
  providers: [
    {
      provider: 'twilio',
      channel: 'sms',
      attempts: 1262,
      sent: 1238,
      delivered: 1196,
      undeliverable: 31,
      errors: 24,
      failed: 3,
      receipts: 1229,
      acceptance_rate: 0.981,
      delivery_rate: 0.9661,
      receipt_p50_ms: 4200,
      top_errors: [
        { code: '30003', count: 19 },
        { code: '30005', count: 12 },
        { code: '21614', count: 6 },
      ],
    },
    {
      provider: 'smtp',
      channel: 'email',
      attempts: 310,
      sent: 310,
      delivered: 305,
      undeliverable: 5,
      errors: 0,
      failed: 0,
      receipts: 310,
      acceptance_rate: 1,
      delivery_rate: 0.9839,
      receipt_p50_ms: 1800,
      top_errors: [{ code: '550', count: 5 }],
    },
  ],
};
