// The reference's examples for the virtual phone (phone-routes.ts): the phone +14155550100 gets
// the SMS of a login verification and an IVR call, which it answers and confirms with 1.

const PHONE = '+14155550100';
const GREETING = { say: 'Hello, this is Acme. To confirm that this is your number, press 1. If you did not ask for this, hang up.', locale: 'en' };
const SCRIPT = [{ gather: { timeoutS: 8, prompt: [GREETING] } }];

const IVR_CALL = {
  id: 'vpc_0oB7BqWQrLp9nYa103mn77',
  direction: 'outbound',
  channel: 'ivr',
  verification_id: 'ver_0oB7BqK2mW8sTf5RhYdNcE',
  from: '+15005550000',
  to: PHONE,
  status: 'ringing',
  digits: null,
  disposition: null,
  script: SCRIPT,
  created_at: '2026-05-04T10:17:21.180Z',
};

export const PHONE_EXAMPLE = {
  number: PHONE,
  online: { ip: '203.0.113.45', since: '2026-05-04T10:12:08.000Z', ports: { start: 39936, end: 40959 } },
  calls: [{ ...IVR_CALL, status: 'ended', digits: '1', disposition: 'completed' }],
  messages: [
    {
      id: 'sbx_0oB7BnPBoJ12coh0yR9Ams',
      verification_id: 'ver_0oB7BnP7gs9hcTZhhUVPZX',
      channel: 'sms',
      text: 'Your Acme verification code is 482913. It expires in 10 minutes. Do not share it with anyone.',
      created_at: '2026-05-04T10:15:00.004Z',
    },
  ],
};

export const ANSWER_EXAMPLE = { call: { ...IVR_CALL, status: 'answered' }, heard: SCRIPT };

export const KEYS_BODY_EXAMPLE = { digits: '1' };

export const KEYS_EXAMPLE = {
  call: { ...IVR_CALL, status: 'ended', digits: '1', disposition: 'completed' },
  heard: [{ say: 'Thank you. Your number is confirmed.', locale: 'en' }, { hangup: true }],
};

/** A ringing call hung up: declined. */
export const HANGUP_EXAMPLE = { call: { ...IVR_CALL, status: 'ended', disposition: 'rejected' }, heard: [] };

export const DIAL_BODY_EXAMPLE = { to: '+14155550199' };

export const DIAL_EXAMPLE = {
  call: {
    id: 'vpc_0oB7BsT4hGx9pQ2wKe6RjN',
    direction: 'inbound',
    channel: 'reverse_call',
    verification_id: 'ver_0oB7BrZ8fVn3cM5tWq1HyD',
    from: PHONE,
    to: '+14155550199',
    status: 'ended',
    digits: null,
    disposition: 'completed',
    script: [],
    created_at: '2026-05-04T10:19:03.500Z',
  },
};

export const ONLINE_BODY_EXAMPLE = { ip: '203.0.113.45', port: 40312 };
