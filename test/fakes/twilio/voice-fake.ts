/**
 * Twilio Programmable Voice as documented at https://www.twilio.com/docs/voice/api/call-resource:
 * POST /2010-04-01/Accounts/{AccountSid}/Calls.json with HTTP Basic auth and a form of To, From,
 * Twiml, StatusCallback, StatusCallbackMethod, StatusCallbackEvent (repeated) and Timeout; 201 with
 * the Call resource. POST …/Calls/{Sid}.json with Status=completed|canceled ends a call. Errors
 * are `{code, message, more_info, status}`.
 */
import { randomBytes } from 'node:crypto';
import { expectWire, startFake, WireError, type FakeReply, type FakeServer, type SeenRequest } from '../fake-server.js';

export interface PlacedCall {
  form: URLSearchParams;
  sid: string;
}

export interface TwilioVoiceFake extends FakeServer {
  placed: PlacedCall[];
  hungUp: string[];
  /** Requests that broke the documented format (answered 400, like Twilio does). */
  violations: string[];
  /** Answer the next request with this instead (an error body, or `hang`). */
  replyNext(reply: FakeReply | 'hang'): void;
}

const FIELDS = new Set(['To', 'From', 'Twiml', 'StatusCallback', 'StatusCallbackMethod', 'StatusCallbackEvent', 'Timeout']);
const EVENTS = new Set(['initiated', 'ringing', 'answered', 'completed']);
const E164 = /^\+[1-9][0-9]{6,14}$/;

export function twilioError(status: number, code: number, message: string): FakeReply {
  return { status, json: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status } };
}

export async function startTwilioVoiceFake(accountSid: string, authToken: string): Promise<TwilioVoiceFake> {
  const scripted: Array<FakeReply | 'hang'> = [];
  const placed: PlacedCall[] = [];
  const hungUp: string[] = [];
  const violations: string[] = [];
  const calls = `/2010-04-01/Accounts/${accountSid}/Calls`;

  const create = (req: SeenRequest): FakeReply => {
    const form = new URLSearchParams(req.body);
    for (const k of form.keys()) expectWire(FIELDS.has(k), `unexpected parameter ${k}`);
    for (const k of ['To', 'From', 'Twiml', 'StatusCallback', 'Timeout']) expectWire(form.getAll(k).length === 1, `${k} missing or repeated`);
    expectWire(E164.test(form.get('To') ?? ''), 'To is not E.164');
    expectWire(E164.test(form.get('From') ?? ''), 'From is not E.164');
    const twiml = form.get('Twiml') ?? '';
    expectWire(twiml.length <= 4000, 'Twiml over 4000 characters');
    expectWire(/^<Response>.*<\/Response>$/s.test(twiml), 'Twiml is not one <Response> element');
    expectWire(!/&(?!(amp|lt|gt|quot|apos);)/.test(twiml), 'Twiml has an unescaped &');
    expectWire(/^https?:\/\//.test(form.get('StatusCallback') ?? ''), 'StatusCallback is not a URL');
    expectWire(['POST', null].includes(form.get('StatusCallbackMethod')), 'StatusCallbackMethod is not POST');
    for (const e of form.getAll('StatusCallbackEvent')) expectWire(EVENTS.has(e), `StatusCallbackEvent ${e}`);
    expectWire(/^[1-9][0-9]*$/.test(form.get('Timeout') ?? '') && Number(form.get('Timeout')) <= 600, 'Timeout is not a whole number of seconds up to 600');
    const sid = `CA${randomBytes(16).toString('hex')}`;
    placed.push({ form, sid });
    return {
      status: 201,
      json: {
        sid,
        account_sid: accountSid,
        to: form.get('To'),
        from: form.get('From'),
        status: 'queued',
        direction: 'outbound-api',
        api_version: '2010-04-01',
        uri: `${calls}/${sid}.json`,
      },
    };
  };

  const update = (req: SeenRequest, sid: string): FakeReply => {
    const form = new URLSearchParams(req.body);
    expectWire(['completed', 'canceled'].includes(form.get('Status') ?? ''), 'Status is not completed or canceled');
    if (!placed.some((c) => c.sid === sid)) return twilioError(404, 20404, 'The requested resource was not found');
    hungUp.push(sid);
    return { status: 200, json: { sid, status: 'completed' } };
  };

  const handle = (req: SeenRequest): FakeReply | 'hang' => {
    if (req.method !== 'POST' || !req.path.startsWith(`${calls}`)) return twilioError(404, 20404, 'The requested resource was not found');
    if (req.headers.authorization !== `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`) return twilioError(401, 20003, 'Authenticate');
    const next = scripted.shift();
    if (next) return next;
    try {
      expectWire(req.headers['content-type'] === 'application/x-www-form-urlencoded', `content-type ${req.headers['content-type']}`);
      if (req.path === `${calls}.json`) return create(req);
      const sid = new RegExp(`^${calls}/(CA[0-9a-f]{32})\\.json$`).exec(req.path)?.[1];
      if (sid) return update(req, sid);
      return twilioError(404, 20404, 'The requested resource was not found');
    } catch (err) {
      if (!(err instanceof WireError)) throw err;
      violations.push(err.message);
      return twilioError(400, 21201, `Invalid request: ${err.message}`);
    }
  };

  const server = await startFake(handle);
  return Object.assign(server, { placed, hungUp, violations, replyNext: (reply: FakeReply | 'hang') => void scripted.push(reply) });
}
