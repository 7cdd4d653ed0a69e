/**
 * The vendors' side of voice webhooks, written out from their documentation independently of the
 * adapters: what Twilio and Vonage put on a request they send to a callback URL.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';

/**
 * X-Twilio-Signature (https://www.twilio.com/docs/usage/webhooks/webhooks-security): the full URL,
 * then each POST parameter's name and value, sorted by name; HMAC-SHA1 with the Auth Token, base64.
 */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, k) => acc + k + params[k], url);
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** The form fields Twilio posts about a call Verity placed (status callbacks and the gather action). */
export function twilioCallParams(accountSid: string, callSid: string, from: string, to: string, extra: Record<string, string>): Record<string, string> {
  return { AccountSid: accountSid, ApiVersion: '2010-04-01', CallSid: callSid, Called: to, Caller: from, Direction: 'outbound-api', From: from, To: to, ...extra };
}

/** What Twilio posts to a number's "A call comes in" webhook while the call rings. */
export function twilioInboundParams(accountSid: string, callSid: string, from: string, to: string): Record<string, string> {
  return {
    AccountSid: accountSid,
    ApiVersion: '2010-04-01',
    CallSid: callSid,
    CallStatus: 'ringing',
    Called: to,
    Caller: from,
    Direction: 'inbound',
    From: from,
    FromCountry: 'BR',
    To: to,
    ToCountry: 'US',
  };
}

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
