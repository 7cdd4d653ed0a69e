import createClient from 'openapi-fetch';
import type { paths } from './generated/openapi.js';
import { authorizationFor, createTransport, type TransportOptions } from './transport.js';
import { verificationsApi } from './verifications.js';
import { verifyWebhook } from './webhooks.js';

/** Where Verity is, and an API key (`key_id` and secret) or an access token from POST /oauth/token. */
export type VerityCredentials = { baseUrl: string; keyId: string; secret: string } | { baseUrl: string; token: string };

export type VerityOptions = TransportOptions;

/**
 * A client for one Verity server and one set of credentials. Every call throws a VerityError
 * when the server refuses it, and retries a 429 or 503 after the server's Retry-After.
 */
export function createVerity(credentials: VerityCredentials, options: VerityOptions = {}) {
  const api = createClient<paths>({ baseUrl: credentials.baseUrl.replace(/\/+$/, ''), fetch: createTransport(authorizationFor(credentials), options) });
  return {
    verifications: verificationsApi(api),
    webhooks: { verify: verifyWebhook },
    /** The typed openapi-fetch client, with the same credentials and retries, for any other route. */
    api,
  };
}

export type Verity = ReturnType<typeof createVerity>;
