/** The reference's examples of the webhooks API: one endpoint that hears how verifications end. */

const created = '2026-05-02T16:40:00.000Z';

export const newEndpointExample = {
  url: 'https://example.com/hooks/verity',
  events: ['verification.approved', 'verification.failed', 'verification.expired'],
  description: 'Order service',
};

export const endpointExample = {
  id: 'whk_0ngUnATAZQgGJ4f63HSd7a',
  url: 'https://example.com/hooks/verity',
  service_id: null,
  events: ['verification.approved', 'verification.failed', 'verification.expired'],
  description: 'Order service',
  created_at: created,
};

/** The signing secret: whsec_ and 24 bytes in base64 (made up here). */
export const issuedEndpointExample = { ...endpointExample, secret: 'whsec_EXAMPLEsecretNOTrealDoNotUse0000' };

export const endpointsExample = {
  webhooks: [
    {
      id: 'whk_0nZTNfA0qTx3bUm9KrsE7c',
      url: 'https://example.com/hooks/spend',
      service_id: null,
      events: ['spend.threshold', 'fraud.prefix_blocked'],
      description: 'Finance alerts',
      created_at: '2026-03-10T08:00:00.000Z',
    },
    endpointExample,
  ],
};

/** The approved verification of the verifications reference. */
const verification = {
  id: 'ver_0oB7BnP7gs9hcTZhhUVPZX',
  service_id: 'svc_0oB7AuZP3SXoRsBj9Qx2oo',
  to: '+14155550100',
  channel: 'sms',
  status: 'approved',
  locale: 'en',
  country: 'US',
  line_type: 'mobile',
  attempts: 1,
  max_attempts: 5,
  sends: 1,
  max_sends: 5,
  next_send_at: null,
  expires_at: '2026-05-04T10:25:00.000Z',
  created_at: '2026-05-04T10:15:00.000Z',
  updated_at: '2026-05-04T10:15:42.000Z',
  metadata: { user_id: 'usr_8842', flow: 'login' },
  call_to: null,
  redirect_url: null,
  failure_reason: null,
  failure_provider_error: null,
};

const delivery = {
  id: 'whd_0ngi1dXnofrMtwby2yGgU5',
  event_id: 'evt_0ngi1dXnUpbUEZ1T2UmonW',
  event_type: 'verification.approved',
  status: 'succeeded',
  attempts: 1,
  response_status: 200,
  error: null,
  next_attempt_at: null,
  created_at: '2026-05-04T10:15:42.000Z',
  payload: { type: 'verification.approved', timestamp: '2026-05-04T10:15:42.000Z', data: verification },
};

export const deliveriesExample = {
  deliveries: [
    delivery,
    {
      ...delivery,
      id: 'whd_0ngi1K6pEFpF0NX3fGiBJA',
      event_id: 'evt_0ngi1K6pV8j0qhyAAuB22Y',
      event_type: 'verification.failed',
      status: 'queued',
      attempts: 2,
      response_status: 503,
      error: 'HTTP_503',
      next_attempt_at: '2026-05-04T10:16:40.000Z',
      created_at: '2026-05-04T10:14:40.000Z',
      payload: {
        type: 'verification.failed',
        timestamp: '2026-05-04T10:14:40.000Z',
        data: {
          ...verification,
          id: 'ver_0ngi0hRr6MEPvc0barhnnC',
          to: '+14155550123',
          status: 'failed',
          attempts: 5,
          metadata: { user_id: 'usr_3310', flow: 'login' },
          expires_at: '2026-05-04T10:22:40.000Z',
          created_at: '2026-05-04T10:12:40.000Z',
          updated_at: '2026-05-04T10:14:40.000Z',
          failure_reason: 'max_attempts',
        },
      },
    },
  ],
};

/** A replay: a new delivery of the same event (same event_id, so the same webhook-id header). */
export const replayExample = {
  ...delivery,
  id: 'whd_0ngi2xE4xmorbFxYbDgiGA',
  status: 'queued',
  attempts: 0,
  response_status: null,
  next_attempt_at: '2026-05-04T10:20:00.000Z',
  created_at: '2026-05-04T10:20:00.000Z',
};

/** A webhook.test event, delivered at once and answered 204. */
export const testDeliveryExample = {
  id: 'whd_0ngi3Qb7sVq2Ph8LdRkNw4',
  event_id: 'evt_0ngi3Qb7sVq2Ph8LdRkNw5',
  event_type: 'webhook.test',
  status: 'succeeded',
  attempts: 1,
  response_status: 204,
  error: null,
  next_attempt_at: null,
  created_at: '2026-05-04T10:25:00.000Z',
  payload: { type: 'webhook.test', timestamp: '2026-05-04T10:25:00.000Z', data: { endpoint_id: 'whk_0ngUnATAZQgGJ4f63HSd7a', account_id: 'acc_0nYQcXdarKVXSbiaoU7Y81' } },
};
