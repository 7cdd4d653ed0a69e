import type { CallbackRequest } from '../../../kernel/message.js';
import { signedTwilioParams } from '../twilio-signature.js';
import { eventRecord, type CallCallbackResult, type CallDisposition, type CallEvent } from '../../../calls/call-provider.js';
import { HANGUP_TWIML, REJECT_TWIML } from './twiml.js';

const TWIML = 'text/xml; charset=utf-8';
const E164 = /^\+[1-9][0-9]{6,14}$/;

// Final CallStatus values, each a disposition of the same name.
const ENDED: readonly CallDisposition[] = ['completed', 'no-answer', 'busy', 'failed', 'canceled'];

// CallStatus values; queued and initiated say nothing the caller of placeCall does not know.
const STATUS_EVENTS: ReadonlyMap<string, CallEvent> = new Map<string, CallEvent>([
  ['ringing', { type: 'ringing' }],
  ['in-progress', { type: 'answered' }],
  ...ENDED.map((disposition): [string, CallEvent] => [disposition, { type: 'ended', disposition }]),
]);

/**
 * A Twilio voice webhook at this provider's callback URL, told apart by the query the adapter put
 * on it: `event=status` (StatusCallback), `event=gather` (the <Gather> action), and `event=inbound`
 * or no query at all (the number's "A call comes in" webhook, pointed at the bare callback URL).
 * Every one must carry a valid X-Twilio-Signature over the full URL and the POST parameters.
 */
export function parseCallCallback(req: CallbackRequest, authToken: string): CallCallbackResult {
  const p = signedTwilioParams(req, authToken, 'voice callback');
  const sid = p.get('CallSid') ?? '';
  const callId = req.query.call || undefined;
  const kind = req.query.event ?? (callId ? 'status' : p.get('Direction') === 'inbound' ? 'inbound' : 'status');

  if (kind === 'gather') {
    // No key within the timeout comes as an empty Digits (actionOnEmptyResult): no event, the
    // call simply ends, and its status callback reports that.
    const digits = p.get('Digits') ?? '';
    const events = sid && /^[0-9*#]+$/.test(digits) ? [eventRecord(sid, callId, { type: 'dtmf', digits })] : [];
    return { events, response: { contentType: TWIML, body: HANGUP_TWIML } };
  }
  if (kind === 'inbound') {
    // The busy reject is answered whatever the request holds: an answered call would be billed.
    const response = { contentType: TWIML, body: REJECT_TWIML };
    // Only a ringing call is news; later status callbacks of an inbound call are not reported.
    const status = p.get('CallStatus');
    if (status !== null && status !== 'ringing') return { events: [], response };
    const from = p.get('From') ?? '';
    const to = p.get('To') ?? '';
    // A withheld caller id ("anonymous") cannot be matched to anybody.
    const events = sid && E164.test(from) && E164.test(to) ? [eventRecord(sid, undefined, { type: 'inbound', from, to })] : [];
    return { events, response };
  }
  // Status callbacks of inbound calls (a number's own status URL) are not calls Verity placed.
  if (p.get('Direction') === 'inbound') return { events: [] };
  const event = STATUS_EVENTS.get(p.get('CallStatus') ?? '');
  return { events: sid && event ? [eventRecord(sid, callId, event)] : [] };
}
