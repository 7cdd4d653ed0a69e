/**
 * Vonage's side of voice webhooks, written out from its documentation independently of the
 * adapter: what Vonage puts on a request it sends to a callback URL.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';

/**
 * A signed Vonage webhook's Authorization header
 * (https://developer.vonage.com/en/getting-started/concepts/webhooks#decoding-signed-webhooks):
 * an HS256 JWT with the account's signature secret whose payload_hash is the SHA-256 hex of the body.
 */
export function vonageWebhookAuthorization(body: string, secret: string, nowS: number, applicationId: string): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const claims = { iat: nowS, jti: randomUUID(), iss: 'Vonage', payload_hash: createHash('sha256').update(body).digest('hex'), api_key: 'a1b2c3d4', application_id: applicationId };
  const head = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `Bearer ${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}
