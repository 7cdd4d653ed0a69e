/** The reference's examples of the accounts API: the caller's account, and a tenant the operator creates. */

const ACCOUNT = 'acc_0nYQcXdarKVXSbiaoU7Y81';
const TENANT = 'acc_0ngi1R3ebsypA2Qm4Taq5f';
/** Secrets here are made up: vs_ and 32 characters, as the API issues them. */
const SECRET = 'vs_EXAMPLE-secret-not-for-use-00000';

export const balanceExample = {
  account_id: ACCOUNT,
  balance: 417.6,
  currency: 'USD',
  postpaid: false,
  prices: [
    { channel: 'sms', prefix: '', price: 0.0079 },
    { channel: 'sms', prefix: '44', price: 0.045 },
    { channel: 'whatsapp', prefix: '', price: 0.005 },
  ],
};

export const keysExample = {
  keys: [
    { key_id: 'vk_0nYQcXdaqFKcc1Z6TXsFGU', name: 'default', created_at: '2026-03-02T09:00:00.000Z', revoked_at: null },
    { key_id: 'vk_0ndqG3gtJYgbWypaofBaZY', name: 'ci deploys', created_at: '2026-04-12T14:05:00.000Z', revoked_at: '2026-05-01T08:00:00.000Z' },
    { key_id: 'vk_0ngi1R3ehodvLWq0K1fHLU', name: 'checkout backend', created_at: '2026-05-04T10:15:00.000Z', revoked_at: null },
  ],
};

export const newKeyExample = { name: 'checkout backend' };

export const issuedKeyExample = { key_id: 'vk_0ngi1R3ehodvLWq0K1fHLU', secret: SECRET };

export const newAccountExample = { name: 'Acme Shop', balance: 50, currency: 'EUR' };

const tenant = { id: TENANT, name: 'Acme Shop', balance: 50, currency: 'EUR', postpaid: false, created_at: '2026-05-04T10:15:00.000Z' };

export const createdAccountExample = { account: tenant, key: { key_id: 'vk_0ngi1R3e1Nq1MAXiu3MwRk', secret: SECRET } };

/** The tenant after a credit of 25. */
export const accountExample = { ...tenant, balance: 75 };

export const creditExample = { amount: 25 };

export const pricesExample = {
  prices: [
    { channel: 'sms', prefix: '', price: 0.0085 },
    { channel: 'sms', prefix: '44', price: 0.042 },
    { channel: 'whatsapp', prefix: '', price: 0.005 },
  ],
};

export const tokenRequestExamples = [{ grant_type: 'client_credentials' }, { grant_type: 'client_credentials', client_id: 'vk_0nYQcXdaqFKcc1Z6TXsFGU', client_secret: SECRET }];

/** A token as the API issues it (an HS256 JWT), its signature made up. */
export const tokenExample = {
  access_token:
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhY2MiOiJhY2NfMG5ZUWNYZGFyS1ZYU2JpYW9VN1k4MSIsImlzcyI6InZlcml0eSIsImF1ZCI6InZlcml0eS1hcGkiLCJzdWIiOiJ2a18wbllRY1hkYXFGS2NjMVo2VFhzRkdVIiwiaWF0IjoxNzc3ODg5NzAwLCJleHAiOjE3Nzc4OTA2MDB9.EXAMPLEsignatureNotValid-000000000000000000',
  token_type: 'Bearer',
  expires_in: 900,
};
