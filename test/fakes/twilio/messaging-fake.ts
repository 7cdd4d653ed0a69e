/**
 * Twilio Programmable Messaging as documented at
 * https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource:
 * POST /2010-04-01/Accounts/{AccountSid}/Messages.json, HTTP Basic auth, a form body with To,
 * From or MessagingServiceSid, Body and StatusCallback; 201 with the Message resource, errors as
 * `{code, message, more_info, status}`.
 */
import { randomBytes } from 'node:crypto';
import type { ReceivedMessage } from '../../contracts/message-provider-contract.js';
import { expectWire, RefusalQueue, startFake, WireError, type FakeReply, type FakeServer, type SeenRequest } from '../fake-server.js';

export interface TwilioFake extends FakeServer {
  received: ReceivedMessage[];
  /** Requests that broke the documented format (answered 400, like Twilio does). */
  violations: string[];
  refuseNext(kind: 'permanent' | 'temporary'): void;
  /** Answer the next send with this instead (an error body, or `hang`). */
  replyNext(reply: FakeReply | 'hang'): void;
}

const FIELDS = new Set(['To', 'From', 'MessagingServiceSid', 'Body', 'StatusCallback']);

export function twilioError(status: number, code: number, message: string): FakeReply {
  return { status, json: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status } };
}

export async function startTwilioFake(accountSid: string, login: { user: string; password: string }): Promise<TwilioFake> {
  const refusals = new RefusalQueue();
  const scripted: Array<FakeReply | 'hang'> = [];
  const received: ReceivedMessage[] = [];
  const violations: string[] = [];

  const handle = (req: SeenRequest): FakeReply | 'hang' => {
    if (req.path !== `/2010-04-01/Accounts/${accountSid}/Messages.json` || req.method !== 'POST') {
      return twilioError(404, 20404, 'The requested resource was not found');
    }
    const basic = `Basic ${Buffer.from(`${login.user}:${login.password}`).toString('base64')}`;
    if (req.headers.authorization !== basic) return twilioError(401, 20003, 'Authenticate');
    const next = scripted.shift();
    if (next) return next;
    try {
      expectWire(req.headers['content-type'] === 'application/x-www-form-urlencoded', `content-type ${req.headers['content-type']}`);
      const form = new URLSearchParams(req.body);
      for (const k of form.keys()) expectWire(FIELDS.has(k), `unexpected parameter ${k}`);
      const to = form.get('To') ?? '';
      expectWire(/^\+[1-9][0-9]{6,14}$/.test(to), 'To is not E.164');
      expectWire(form.has('From') || form.has('MessagingServiceSid'), 'neither From nor MessagingServiceSid');
      const body = form.get('Body') ?? '';
      expectWire(body.length > 0 && body.length <= 1600, 'Body missing or over 1600 characters');
      const callback = form.get('StatusCallback');
      expectWire(callback === null || /^https?:\/\//.test(callback), 'StatusCallback is not a URL');
      const refusal = refusals.take();
      // Twilio's messages quote the number, which is why the adapter never repeats them.
      if (refusal === 'permanent') return twilioError(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
      if (refusal === 'temporary') return twilioError(429, 20429, 'Too Many Requests');
      received.push({ to, text: body });
      const sid = `SM${randomBytes(16).toString('hex')}`;
      return {
        status: 201,
        json: {
          sid,
          account_sid: accountSid,
          to,
          from: form.get('From'),
          messaging_service_sid: form.get('MessagingServiceSid'),
          body,
          status: 'queued',
          num_segments: '1',
          direction: 'outbound-api',
          api_version: '2010-04-01',
          error_code: null,
          error_message: null,
          uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
        },
      };
    } catch (err) {
      if (!(err instanceof WireError)) throw err;
      violations.push(err.message);
      return twilioError(400, 21602, `Invalid request: ${err.message}`);
    }
  };

  const server = await startFake(handle);
  return Object.assign(server, {
    received,
    violations,
    refuseNext: (kind: 'permanent' | 'temporary') => refusals.push(kind),
    replyNext: (reply: FakeReply | 'hang') => void scripted.push(reply),
  });
}
