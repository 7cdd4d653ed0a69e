/**
 * Twilio's side of voice webhooks, written out from its documentation independently of the
 * adapter: what Twilio puts on a request it sends to a callback URL.
 */
import { createHmac } from 'node:crypto';

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
