import { ProviderError } from '../../../kernel/provider-errors.js';
import type { CallbackRequest } from '../../../kernel/message.js';
import { eventRecord, type CallCallbackResult, type CallEvent } from '../../../calls/call-provider.js';

// An empty NCCO: Vonage has nothing left to do and ends the call.
const END_CALL = { contentType: 'application/json', body: '[]' };

// Event webhook `status` values; started (the call exists, the phone is not ringing yet), machine,
// human, disconnected and the rest say nothing a verification needs.
const STATUS_EVENTS: ReadonlyMap<string, CallEvent> = new Map<string, CallEvent>([
  ['ringing', { type: 'ringing' }],
  ['answered', { type: 'answered' }],
  ['completed', { type: 'ended', disposition: 'completed' }],
  // timeout: ringing_timer ran out; unanswered: the network gave up on ringing.
  ['timeout', { type: 'ended', disposition: 'no-answer' }],
  ['unanswered', { type: 'ended', disposition: 'no-answer' }],
  ['busy', { type: 'ended', disposition: 'busy' }],
  ['failed', { type: 'ended', disposition: 'failed' }],
  ['rejected', { type: 'ended', disposition: 'rejected' }],
  ['cancelled', { type: 'ended', disposition: 'canceled' }],
]);

/**
 * A Voice API webhook at this provider's callback URL, told apart by the query the adapter put on
 * it: `event=status` (event_url), `event=gather` (the input action's eventUrl), and `event=inbound`
 * or no query (the application's answer_url, GET with query parameters or POST with JSON).
 *
 * Vonage cannot reject an inbound call unanswered: whatever answer_url returns is played on an
 * answered call. The cheapest answer is the empty NCCO, which hangs up at once, so the caller pays
 * for a second or so of connected call.
 */
export function parseCallWebhook(req: CallbackRequest, reportInbound: boolean): CallCallbackResult {
  const p = params(req);
  const uuid = text(p.uuid);
  const callId = req.query.call || undefined;
  const kind = req.query.event ?? (callId || 'status' in p ? 'status' : 'inbound');

  if (kind === 'gather') {
    // New payloads nest the key under dtmf.digits; old ones sent a string. No key: no event.
    const digits = typeof p.dtmf === 'object' && p.dtmf !== null ? text((p.dtmf as Record<string, unknown>).digits) : text(p.dtmf);
    const events = uuid && /^[0-9*#]+$/.test(digits) ? [eventRecord(uuid, callId, { type: 'dtmf', digits })] : [];
    return { events, response: END_CALL };
  }
  if (kind === 'inbound') {
    const from = e164(text(p.from));
    const to = e164(text(p.to));
    // Without signed webhooks anybody could claim a call from any number: such claims are ignored.
    const events = reportInbound && uuid && from && to ? [eventRecord(uuid, undefined, { type: 'inbound', from, to })] : [];
    return { events, response: END_CALL };
  }
  // Events of inbound calls (an application event_url pointing here) are not calls Verity placed.
  if (p.direction === 'inbound') return { events: [] };
  const event = STATUS_EVENTS.get(text(p.status));
  return { events: uuid && event ? [eventRecord(uuid, callId, event)] : [] };
}

function params(req: CallbackRequest): Record<string, unknown> {
  const raw = req.rawBody.trim();
  if (req.method.toUpperCase() === 'GET' || raw === '') return { ...req.query };
  let doc: unknown;
  try {
    doc = JSON.parse(raw);
  } catch (err) {
    throw new ProviderError('INVALID_CALLBACK', 'the voice webhook is not valid JSON', err);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new ProviderError('INVALID_CALLBACK', 'the voice webhook is not a JSON object');
  return doc as Record<string, unknown>;
}

// Vonage writes numbers in international format without the +; a withheld caller id is not one.
function e164(n: string): string | undefined {
  const digits = n.replace(/^\+/, '');
  return /^[1-9][0-9]{6,14}$/.test(digits) ? `+${digits}` : undefined;
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
