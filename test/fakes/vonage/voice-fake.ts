/**
 * The Vonage Voice API as documented at https://developer.vonage.com/en/api/voice: POST /v1/calls
 * with `Authorization: Bearer <JWT>` (RS256, the application's key; claims application_id, iat,
 * jti, exp) and a JSON body of to, from, ncco, event_url, event_method and ringing_timer; 201 with
 * `{uuid, status, direction, conversation_uuid}`. PUT /v1/calls/{uuid} `{"action":"hangup"}` ends a
 * call (204; 404 once it is gone). Errors are problem documents `{type, title, detail}`.
 */
import { randomUUID, verify, type KeyObject } from 'node:crypto';
import { expectWire, startFake, WireError, type FakeReply, type FakeServer, type SeenRequest } from '../fake-server.js';

export interface VonageCall {
  body: Record<string, unknown>;
  uuid: string;
}

export interface VonageVoiceFake extends FakeServer {
  placed: VonageCall[];
  hungUp: string[];
  violations: string[];
  /** The claims of every valid JWT seen, in order. */
  claims: Array<Record<string, unknown>>;
  replyNext(reply: FakeReply | 'hang'): void;
}

const LANGUAGES = new Set(['en-US', 'pt-BR', 'es-ES', 'ru-RU', 'id-ID', 'en-GB', 'de-DE', 'fr-FR']);
const KEYS = new Set(['to', 'from', 'ncco', 'event_url', 'event_method', 'ringing_timer', 'length_timer', 'machine_detection', 'answer_url', 'answer_method']);

export function vonageProblem(status: number, title: string, detail: string): FakeReply {
  return { status, json: { type: `https://developer.nexmo.com/api-errors#${status}`, title, detail, instance: randomUUID() } };
}

/** RS256 checked with node:crypto alone, independently of the adapter's JWT library. */
function verifyJwt(authorization: string | undefined, publicKey: KeyObject, applicationId: string): Record<string, unknown> | undefined {
  const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
  const [h, p, s] = token?.split('.') ?? [];
  if (!h || !p || !s) return undefined;
  const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<string, unknown>;
  if (header.alg !== 'RS256' || !verify('RSA-SHA256', Buffer.from(`${h}.${p}`), publicKey, Buffer.from(s, 'base64url'))) return undefined;
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
  const now = Date.now() / 1000;
  const { iat, exp, jti } = claims;
  if (claims.application_id !== applicationId || typeof jti !== 'string' || jti === '') return undefined;
  if (typeof iat !== 'number' || typeof exp !== 'number' || iat > now + 60 || exp <= now) return undefined;
  return claims;
}

function checkNcco(ncco: unknown): void {
  expectWire(Array.isArray(ncco) && ncco.length > 0, 'ncco is not a non-empty array');
  const actions = ncco as Array<Record<string, unknown>>;
  actions.forEach((a, i) => {
    switch (a.action) {
      case 'talk':
        expectWire(typeof a.text === 'string' && a.text !== '' && LANGUAGES.has(String(a.language)), `talk ${i}: text or language`);
        break;
      case 'stream':
        expectWire(Array.isArray(a.streamUrl) && a.streamUrl.length === 1 && /^https?:\/\//.test(String(a.streamUrl[0])), `stream ${i}: streamUrl`);
        break;
      case 'input': {
        const dtmf = a.dtmf as Record<string, unknown> | undefined;
        expectWire(JSON.stringify(a.type) === '["dtmf"]', `input ${i}: type`);
        expectWire(dtmf?.maxDigits === 1 && typeof dtmf.timeOut === 'number' && dtmf.timeOut >= 0 && dtmf.timeOut <= 10, `input ${i}: dtmf settings`);
        expectWire(Array.isArray(a.eventUrl) && /^https?:\/\//.test(String(a.eventUrl[0])) && a.eventMethod === 'POST', `input ${i}: eventUrl`);
        break;
      }
      case 'wait':
        expectWire(typeof a.timeout === 'number' && a.timeout >= 0.1 && a.timeout <= 7200, `wait ${i}: timeout`);
        break;
      default:
        expectWire(false, `unknown action ${String(a.action)}`);
    }
    // A barge-in talk (stream) must be followed, past more talks (streams), by the input.
    if (a.bargeIn === true) expectWire(actions.slice(i + 1).find((b) => b.action !== a.action)?.action === 'input', `action ${i}: bargeIn not followed by an input`);
  });
}

export async function startVonageVoiceFake(applicationId: string, publicKey: KeyObject): Promise<VonageVoiceFake> {
  const scripted: Array<FakeReply | 'hang'> = [];
  const placed: VonageCall[] = [];
  const hungUp: string[] = [];
  const violations: string[] = [];
  const seenClaims: Array<Record<string, unknown>> = [];

  const create = (req: SeenRequest): FakeReply => {
    expectWire(req.headers['content-type'] === 'application/json', `content-type ${req.headers['content-type']}`);
    const body = JSON.parse(req.body) as Record<string, unknown>;
    for (const k of Object.keys(body)) expectWire(KEYS.has(k), `unexpected field ${k}`);
    const to = body.to as Array<Record<string, unknown>> | undefined;
    const from = body.from as Record<string, unknown> | undefined;
    expectWire(Array.isArray(to) && to.length === 1 && to[0]?.type === 'phone' && /^\d{7,15}$/.test(String(to[0]?.number)), 'to is not one phone endpoint of 7-15 digits');
    expectWire(from?.type === 'phone' && /^\d{7,15}$/.test(String(from.number)), 'from is not a phone endpoint of 7-15 digits');
    checkNcco(body.ncco);
    const eventUrl = body.event_url as unknown[] | undefined;
    expectWire(Array.isArray(eventUrl) && eventUrl.length === 1 && /^https?:\/\//.test(String(eventUrl[0])), 'event_url is not an array of one URL');
    expectWire(body.event_method === 'POST' || body.event_method === 'GET', 'event_method');
    const timer = body.ringing_timer;
    expectWire(timer === undefined || (Number.isInteger(timer) && Number(timer) >= 1 && Number(timer) <= 120), 'ringing_timer is not 1-120');
    const uuid = randomUUID();
    placed.push({ body, uuid });
    return { status: 201, json: { uuid, status: 'started', direction: 'outbound', conversation_uuid: `CON-${randomUUID()}` } };
  };

  const hangup = (req: SeenRequest, uuid: string): FakeReply => {
    expectWire(req.headers['content-type'] === 'application/json', `content-type ${req.headers['content-type']}`);
    expectWire(JSON.stringify(JSON.parse(req.body)) === '{"action":"hangup"}', 'body is not {"action":"hangup"}');
    if (!placed.some((c) => c.uuid === uuid) || hungUp.includes(uuid)) return vonageProblem(404, 'Not Found', `Call ${uuid} was not found or has already ended`);
    hungUp.push(uuid);
    return { status: 204 };
  };

  const handle = (req: SeenRequest): FakeReply | 'hang' => {
    const claims = verifyJwt(req.headers.authorization, publicKey, applicationId);
    if (!claims) return vonageProblem(401, 'Unauthorized', 'You did not provide correct credentials.');
    seenClaims.push(claims);
    const next = scripted.shift();
    if (next) return next;
    try {
      if (req.method === 'POST' && req.path === '/v1/calls') return create(req);
      const uuid = /^\/v1\/calls\/([0-9a-f-]{36})$/.exec(req.path)?.[1];
      if (req.method === 'PUT' && uuid) return hangup(req, uuid);
      return vonageProblem(404, 'Not Found', 'Not Found');
    } catch (err) {
      if (!(err instanceof WireError)) throw err;
      violations.push(err.message);
      return vonageProblem(400, 'Bad Request', err.message);
    }
  };

  const server = await startFake(handle);
  return Object.assign(server, {
    placed,
    hungUp,
    violations,
    claims: seenClaims,
    replyNext: (reply: FakeReply | 'hang') => void scripted.push(reply),
  });
}
