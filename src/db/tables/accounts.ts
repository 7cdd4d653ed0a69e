/** Accounts and what they configure: keys, prices, services, templates, their own providers and routes, vendor credentials; idempotency records and the schema version. Times are epoch milliseconds and flags 0/1 integers (see schema.ts). */

export interface AccountTable {
  id: string;
  name: string;
  balance_micros: number;
  currency: string;
  postpaid: number;
  is_admin: number;
  created_at: number;
}

export interface ApiKeyTable {
  id: string;
  account_id: string;
  name: string;
  secret_hash: string;
  created_at: number;
  revoked_at: number | null;
}

export interface PriceTable {
  account_id: string;
  channel: string;
  prefix: string; // E.164 digits without '+', '' matches everything
  price_micros: number;
}

export interface ServiceTable {
  id: string;
  account_id: string;
  name: string;
  brand: string | null;
  code_length: number | null;
  ttl_s: number | null;
  max_attempts: number | null;
  max_sends: number | null;
  resend_cooldown_s: number | null;
  channels: string | null; // JSON array of allowed channels; null = all
  workflow: string | null; // JSON [{channel, timeout_s}]: used when a start names no channel
  locale: string | null;
  webotp_domain: string | null;
  android_app_hash: string | null;
  created_at: number;
  updated_at: number;
}

export interface TemplateTable {
  id: string;
  account_id: string;
  name: string;
  channel: string;
  locale: string;
  body: string;
  subject: string | null;
  html: string | null;
  created_at: number;
  updated_at: number;
}

export interface AccountProviderTable {
  id: string;
  account_id: string;
  name: string;
  type: string;
  options: string; // JSON, secrets left out
  secrets_sealed: string | null; // AES-GCM of the JSON of the secret options
  created_at: number;
  updated_at: number;
}

export interface AccountRoutesTable {
  account_id: string;
  routes: string; // JSON list of rules, as ROUTES
  updated_at: number;
}

export interface VendorCredentialTable {
  id: string;
  account_id: string;
  vendor: string; // claro | zadarma | smsc | messagecentral
  login: string; // key, login or customerId
  secret_sealed: string;
  secret_digest: string | null; // sha256 hex of vendor:secret, to find a credential by its secret
  settings: string | null; // JSON
  created_at: number;
}

/** The numeric verificationIds handed to Message Central clients (migration 0011). */
export interface MessageCentralNumberTable {
  account_id: string;
  number: string;
  verification_id: string;
  destination: string;
  created_at: number;
}

export interface IdempotencyTable {
  account_id: string;
  key: string;
  request_hash: string;
  state: string; // pending | done
  status_code: number | null;
  response: string | null;
  created_at: number;
}

export interface MetaTable {
  key: string;
  value: string;
}
