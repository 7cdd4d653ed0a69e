// The reference's examples for the verification schemas: one SMS verification of a login
// service, from its start to its approval, as the API answers it (see schemas.ts).

const ID = 'ver_0oB7BnP7gs9hcTZhhUVPZX';
const SERVICE = 'svc_0oB7AuZP3SXoRsBj9Qx2oo';
const MESSAGE = 'msg_0oB7BnPANQcpC521hZTLdu';
const CREATED = '2026-05-04T10:15:00.000Z';
const CHECKED = '2026-05-04T10:15:42.000Z';

export const START_EXAMPLE = {
  to: '+14155550100',
  channel: 'sms',
  service: SERVICE,
  locale: 'en',
  metadata: { user_id: 'usr_8842', flow: 'login' },
};

/** A verification just started: the code is on its way, nothing checked yet. */
export const VERIFICATION_EXAMPLE = {
  id: ID,
  service_id: SERVICE,
  to: '+14155550100',
  channel: 'sms',
  status: 'pending',
  locale: 'en',
  country: 'US',
  line_type: 'mobile',
  attempts: 0,
  max_attempts: 5,
  sends: 1,
  max_sends: 5,
  next_send_at: '2026-05-04T10:15:30.000Z',
  expires_at: '2026-05-04T10:25:00.000Z',
  created_at: CREATED,
  updated_at: CREATED,
  metadata: { user_id: 'usr_8842', flow: 'login' },
  call_to: null,
  redirect_url: null,
  failure_reason: null,
  failure_provider_error: null,
};

/** The same verification once the right code was checked. */
const APPROVED = { ...VERIFICATION_EXAMPLE, status: 'approved', attempts: 1, next_send_at: null, updated_at: CHECKED };

export const CHECK_EXAMPLE = { code: '482913' };

export const CHECK_RESPONSE_EXAMPLE = { ...APPROVED, valid: true };

export const RESEND_EXAMPLE = { channel: 'voice' };

/** An email verification nobody checked, the page's last row. */
const EXPIRED_EMAIL = {
  ...VERIFICATION_EXAMPLE,
  id: 'ver_0oB7A3xQe8Ykt2NfHcVbWm',
  service_id: null,
  to: 'ana@example.com',
  channel: 'email',
  status: 'expired',
  locale: 'pt-BR',
  country: null,
  line_type: 'email',
  next_send_at: null,
  expires_at: '2026-05-04T10:08:12.000Z',
  created_at: '2026-05-04T09:58:12.000Z',
  updated_at: '2026-05-04T10:08:12.000Z',
  metadata: { user_id: 'usr_1207', flow: 'signup' },
  failure_reason: 'expired',
};

export const LIST_EXAMPLE = {
  verifications: [APPROVED, EXPIRED_EMAIL],
  next_cursor: 'MTc3Nzg4ODY5MjAwMC52ZXJfMG9CN0EzeFFlOFlrdDJOZkhjVmJXbQ',
};

export const CSV_EXAMPLE =
  'id,created_at,updated_at,status,channel,to,country,line_type,service_id,attempts,sends,failure_reason,failure_provider_error,metadata\r\n' +
  `${ID},${CREATED},${CHECKED},approved,sms,+14155550100,US,mobile,${SERVICE},1,1,,,"{""user_id"":""usr_8842"",""flow"":""login""}"\r\n` +
  `ver_0oB7A3xQe8Ykt2NfHcVbWm,2026-05-04T09:58:12.000Z,2026-05-04T10:08:12.000Z,expired,email,ana@example.com,,email,,0,1,expired,,"{""user_id"":""usr_1207"",""flow"":""signup""}"\r\n`;

const sent = { message_id: MESSAGE, channel: 'sms', provider: 'twilio' };

export const TIMELINE_EXAMPLE = {
  events: [
    {
      at: CREATED,
      type: 'started',
      data: {
        channel: 'sms',
        step: 0,
        service_id: SERVICE,
        fraud: { outcome: 'allowed', mode: 'enforce', score: 20, threshold: 60, prefix: '+14155', signals: [{ signal: 'new_country', points: 20 }] },
      },
    },
    { at: '2026-05-04T10:15:00.004Z', type: 'message.queued', data: { ...sent, step: 0, price_micros: 7900 } },
    { at: '2026-05-04T10:15:00.212Z', type: 'attempt', data: { ...sent, result: 'sent', error_code: null, retryable: null, duration_ms: 196 } },
    { at: '2026-05-04T10:15:00.212Z', type: 'message.sent', data: sent },
    { at: '2026-05-04T10:15:03.870Z', type: 'message.delivered', data: sent },
    { at: CHECKED, type: 'check', data: { valid: true, attempt: 1, ip: '198.51.100.x' } },
    { at: CHECKED, type: 'approved', data: {} },
  ],
};
