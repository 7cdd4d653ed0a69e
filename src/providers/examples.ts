/** The reference's examples of the providers API: an account's own Twilio account for US numbers. */

const ID = 'prv_0ngi1R3eJyRRyhuhLKFNAY';

/** The Auth Token is made up; it is stored sealed and never shown again. */
export const newProviderExample = {
  name: 'twilio-us',
  type: 'twilio',
  options: { accountSid: 'AC0123456789abcdef0123456789abcdef', authToken: '0123456789abcdef0123456789abcdef', from: '+14155550100', countries: ['1'] },
};

/** The provider as the API shows it: defaults filled in, the Auth Token only named. */
export const providerExample = {
  id: ID,
  name: 'twilio-us',
  type: 'twilio',
  options: { accountSid: 'AC0123456789abcdef0123456789abcdef', from: '+14155550100', countries: ['1'], statusCallback: true, baseUrl: 'https://api.twilio.com', timeoutMs: 10000 },
  secrets_set: ['authToken'],
  callback_url: `https://verify.example.com/v1/providers/${ID}/callback`,
  created_at: '2026-05-04T10:15:00.000Z',
};

export const providersExample = { providers: [providerExample] };

/** US numbers go to the account's Twilio, the rest to the server's Vonage; emails to its SMTP server. */
export const routesExample = {
  routes: [
    { channel: 'sms', prefix: '+1', provider: 'twilio-us' },
    { channel: 'sms', provider: 'vonage', priority: 2 },
    { channel: 'email', provider: 'smtp' },
  ],
};

/** The same rules as stored: prefixes without +, defaults filled in. */
export const storedRoutesExample = {
  routes: [
    { channel: 'sms', prefix: '1', provider: 'twilio-us', priority: 1, weight: 1 },
    { channel: 'sms', prefix: '', provider: 'vonage', priority: 2, weight: 1 },
    { channel: 'email', prefix: '', provider: 'smtp', priority: 1, weight: 1 },
  ],
};
