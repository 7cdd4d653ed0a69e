/**
 * Claro Brasil SMV as its page and samples document it (VENDOR-PROTOCOLS §4): `POST /oauth2/v1/token`
 * with `x-client-auth: Basic base64(key:secret)` and `grant_type=client_credentials`, answered with
 * Apigee's one-line token JSON (every value a string); then `POST /identity/v1/mobileidentities/smvs`
 * with `x-client-auth: Bearer`, `X-CustomerID` and `{"data":{msisdn,ip,port,timestamp}}`, answered
 * 200 online, 202 offline, 404 no match, 418 outside Claro's ranges, 401 for a token it did not issue.
 */
import { randomBytes } from 'node:crypto';
import { expectWire, listen, type Listener, type Reply, type SeenRequest } from '../../helpers/http-listener.js';

export interface ClaroSession {
  msisdn: string;
  ip: string;
  port: number;
  /** Epoch seconds when the device had ip:port. */
  at: number;
  online: boolean;
}

export interface ClaroSmvFake extends Listener {
  sessions: ClaroSession[];
  tokenRequests: number;
  smvRequests: SeenRequest[];
  violations: string[];
  /** Lifetime written in expires_in. */
  tokenLifetimeS: number;
  /** Forget every token issued so far: the next smvs call with one gets 401. */
  revokeTokens(): void;
  /** Refuse even fresh tokens (a gateway whose key store is broken). */
  rejectEveryToken: boolean;
  replyNextSmv(reply: Reply | 'hang'): void;
  replyNextToken(reply: Reply | 'hang'): void;
}

const CLARO_RANGES = ['177.79.', '191.246.'];
const TOLERANCE_S = 300;
const DATA_KEYS = ['msisdn', 'ip', 'port', 'timestamp'];

const fault = (status: number, faultstring: string, errorcode: string): Reply => ({ status, body: { fault: { faultstring, detail: { errorcode } } } });

export async function startClaroSmvFake(key: string, secret: string, customerId = 'claro'): Promise<ClaroSmvFake> {
  const valid = new Set<string>();
  const nextSmv: Array<Reply | 'hang'> = [];
  const nextToken: Array<Reply | 'hang'> = [];
  const violations: string[] = [];
  const basic = `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;

  const token = async (req: SeenRequest): Promise<Reply | 'hang'> => {
    fake.tokenRequests++;
    expectWire(req.headers['content-type'] === 'application/x-www-form-urlencoded', 'token: Content-Type is not application/x-www-form-urlencoded');
    expectWire(req.headers.authorization === undefined, 'token: credentials sent in Authorization instead of x-client-auth');
    expectWire(req.body === 'grant_type=client_credentials', 'token: body is not grant_type=client_credentials');
    // A token request that overlaps others shows up as more than one request while this one waits.
    await new Promise((r) => setTimeout(r, 30));
    const scripted = nextToken.shift();
    if (scripted) return scripted;
    if (req.headers['x-client-auth'] !== basic) return { status: 401, body: '{"ErrorCode" : "invalid_client", "Error" :"ClientId is Invalid"}' };
    const accessToken = randomBytes(21).toString('base64url');
    valid.add(accessToken);
    // Apigee's key order, on one line: Claro's bash sample cuts the token out as field 36.
    const line = `{"refresh_token_expires_in":"0","api_product_list":"[SMV]","api_product_list_json":["SMV"],"organization_name":"claro","developer.email":"dev@example.com","token_type":"BearerToken","issued_at":"${Date.now()}","client_id":"${key}","access_token":"${accessToken}","application_name":"5f0c4b1e-8a39-4c2e-9d7b-0f7e3a1c2b4d","scope":"","expires_in":"${fake.tokenLifetimeS}","refresh_count":"0","status":"approved"}`;
    return { status: 200, body: line };
  };

  const smv = (req: SeenRequest): Reply | 'hang' => {
    fake.smvRequests.push(req);
    expectWire(req.headers['content-type'] === 'application/json', 'smvs: Content-Type is not application/json');
    const bearer = /^Bearer (\S+)$/.exec(String(req.headers['x-client-auth'] ?? ''));
    if (!bearer?.[1] || !valid.has(bearer[1]) || fake.rejectEveryToken) return fault(401, 'Invalid Access Token', 'keymanagement.service.invalid_access_token');
    let parsed: unknown;
    try {
      parsed = JSON.parse(req.body);
    } catch {
      expectWire(false, 'smvs: body is not JSON');
    }
    const data = (parsed as { data?: Record<string, unknown> }).data;
    expectWire(Object.keys(parsed as object).join() === 'data' && typeof data === 'object' && data !== null, 'smvs: body is not {"data": {…}}');
    const d = data as Record<string, unknown>;
    expectWire(Object.keys(d).every((k) => DATA_KEYS.includes(k)) && Object.keys(d).length === 4, `smvs: data keys are ${Object.keys(d).join(',')}`);
    expectWire(typeof d.msisdn === 'string' && /^55[1-9][0-9]{9,10}$/.test(d.msisdn), 'smvs: msisdn is not a string of 55 + DDD + number');
    expectWire(typeof d.ip === 'string' && /^(\d{1,3}\.){3}\d{1,3}$/.test(d.ip), 'smvs: ip is not a dotted-quad string');
    expectWire(Number.isInteger(d.port) && (d.port as number) > 0 && (d.port as number) < 65536, 'smvs: port is not an integer port');
    expectWire(Number.isInteger(d.timestamp) && /^[0-9]{10}$/.test(String(d.timestamp)), 'smvs: timestamp is not whole epoch seconds');
    if (req.headers['x-customerid'] !== customerId) return fault(403, 'Customer not entitled', 'access.denied');
    const scripted = nextSmv.shift();
    if (scripted) return scripted;
    const ip = d.ip as string;
    if (!CLARO_RANGES.some((r) => ip.startsWith(r))) return { status: 418 };
    const s = fake.sessions.find((x) => x.ip === ip && x.port === d.port && Math.abs(x.at - (d.timestamp as number)) <= TOLERANCE_S);
    if (!s || s.msisdn !== d.msisdn) return { status: 404 };
    return { status: s.online ? 200 : 202, body: { data: { msisdn: s.msisdn, status: s.online ? 'CONNECTED' : 'DISCONNECTED' } } };
  };

  const server = await listen((req) => {
    if (req.method === 'POST' && req.path === '/oauth2/v1/token') return token(req);
    if (req.method === 'POST' && req.path === '/identity/v1/mobileidentities/smvs') return smv(req);
    return fault(404, 'Unable to identify proxy for host and url', 'messaging.adaptors.http.flow.ApplicationNotFound');
  }, violations);

  const fake: ClaroSmvFake = {
    ...server,
    sessions: [],
    tokenRequests: 0,
    smvRequests: [],
    violations,
    tokenLifetimeS: 3599,
    rejectEveryToken: false,
    revokeTokens: () => valid.clear(),
    replyNextSmv: (r) => void nextSmv.push(r),
    replyNextToken: (r) => void nextToken.push(r),
  };
  return fake;
}
