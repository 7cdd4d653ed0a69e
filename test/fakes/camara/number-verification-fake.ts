/**
 * An operator's CAMARA Number Verification v2 with network-based authentication, as the CAMARA
 * spec and its Security and Interoperability Profile document it: an OIDC authorization endpoint
 * the device opens (302 back to the redirect_uri with `code` and `state`, or `error`), a token
 * endpoint (authorization_code grant, client_secret_basic, single-use code), and
 * `POST /number-verification/v2/verify` with a single-use Bearer token, an `x-correlator` and
 * `{"phoneNumber": "+…"}`, answering `{devicePhoneNumberVerified}` or `{status, code, message}`.
 */
import { randomBytes } from 'node:crypto';
import { expectWire, listen, type Listener, type Reply, type SeenRequest } from '../../helpers/http-listener.js';

export interface CamaraFake extends Listener {
  /** The number of the device that opens the authorization URL, as the network sees it. */
  deviceNumber: string;
  violations: string[];
  tokenRequests: SeenRequest[];
  verifyRequests: SeenRequest[];
  /** The next authorization ends in `?error=<code>` instead of a code (the device is not on this network…). */
  denyNextAuthorization(error: string): void;
  replyNextToken(reply: Reply): void;
  replyNextVerify(reply: Reply): void;
}

const E164 = /^\+[1-9][0-9]{4,14}$/;
const X_CORRELATOR = /^[a-zA-Z0-9-_:;./<>{}]{0,256}$/;

export const camaraError = (status: number, code: string, message: string): Reply => ({ status, body: { status, code, message } });

export async function startCamaraFake(clientId: string, clientSecret: string, redirectUri: string): Promise<CamaraFake> {
  const codes = new Map<string, string>();
  const tokens = new Map<string, string>();
  const denials: string[] = [];
  const nextToken: Reply[] = [];
  const nextVerify: Reply[] = [];
  const violations: string[] = [];
  const basic = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;

  const authorize = (req: SeenRequest): Reply => {
    const q = req.query;
    expectWire(q.get('response_type') === 'code', 'authorize: response_type is not code');
    expectWire(q.get('client_id') === clientId, 'authorize: unknown client_id');
    expectWire(q.get('redirect_uri') === redirectUri, 'authorize: redirect_uri is not the registered one');
    const scope = (q.get('scope') ?? '').split(' ');
    expectWire(scope.includes('openid') && scope.includes('number-verification:verify'), 'authorize: scope lacks openid or number-verification:verify');
    expectWire([null, 'none'].includes(q.get('prompt')), 'authorize: prompt other than none');
    const state = q.get('state');
    expectWire(state !== null && state.length > 0, 'authorize: no state');
    const back = new URL(redirectUri);
    const denial = denials.shift();
    if (denial) back.searchParams.set('error', denial);
    else {
      const code = randomBytes(18).toString('base64url');
      codes.set(code, fake.deviceNumber);
      back.searchParams.set('code', code);
    }
    back.searchParams.set('state', state ?? '');
    return { status: 302, headers: { location: back.toString() } };
  };

  const token = (req: SeenRequest): Reply => {
    fake.tokenRequests.push(req);
    expectWire(req.headers['content-type'] === 'application/x-www-form-urlencoded', 'token: Content-Type is not a form');
    const form = new URLSearchParams(req.body);
    expectWire(form.get('grant_type') === 'authorization_code', 'token: grant_type is not authorization_code');
    expectWire(form.get('redirect_uri') === redirectUri, 'token: redirect_uri differs from the authorization request');
    expectWire(!form.has('client_secret'), 'token: client secret in the body instead of client_secret_basic');
    const scripted = nextToken.shift();
    if (scripted) return scripted;
    if (req.headers.authorization !== basic) return { status: 401, body: { error: 'invalid_client' } };
    const msisdn = codes.get(form.get('code') ?? '');
    if (!msisdn) return { status: 400, body: { error: 'invalid_grant', error_description: 'code invalid or used' } };
    codes.delete(form.get('code') ?? '');
    const access = randomBytes(24).toString('base64url');
    tokens.set(access, msisdn);
    return { status: 200, headers: { 'cache-control': 'no-store' }, body: { access_token: access, token_type: 'Bearer', expires_in: 300, scope: 'number-verification:verify' } };
  };

  const verify = (req: SeenRequest): Reply => {
    fake.verifyRequests.push(req);
    expectWire(req.headers['content-type'] === 'application/json', 'verify: Content-Type is not application/json');
    const correlator = req.headers['x-correlator'];
    expectWire(typeof correlator === 'string' && correlator.length > 0 && X_CORRELATOR.test(correlator), 'verify: x-correlator missing or malformed');
    let body: unknown;
    try {
      body = JSON.parse(req.body);
    } catch {
      expectWire(false, 'verify: body is not JSON');
    }
    const keys = body !== null && typeof body === 'object' ? Object.keys(body) : [];
    const phone = (body as { phoneNumber?: unknown }).phoneNumber;
    expectWire(keys.length === 1 && keys[0] === 'phoneNumber' && typeof phone === 'string' && E164.test(phone), 'verify: body is not exactly {"phoneNumber": "+E.164"}');
    const echo = { 'x-correlator': String(correlator) };
    const scripted = nextVerify.shift();
    if (scripted) return { ...scripted, headers: echo };
    const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    const holder = m?.[1] ? tokens.get(m[1]) : undefined;
    if (!m?.[1] || !holder) return { ...camaraError(401, 'UNAUTHENTICATED', 'Request not authenticated due to missing, invalid, or expired credentials.'), headers: echo };
    tokens.delete(m[1]); // single use
    return { status: 200, headers: echo, body: { devicePhoneNumberVerified: phone === holder } };
  };

  const server = await listen((req) => {
    if (req.method === 'GET' && req.path === '/authorize') return authorize(req);
    if (req.method === 'POST' && req.path === '/token') return token(req);
    if (req.method === 'POST' && req.path === '/number-verification/v2/verify') return verify(req);
    return camaraError(404, 'NOT_FOUND', 'The specified resource is not found.');
  }, violations);

  const fake: CamaraFake = {
    ...server,
    deviceNumber: '',
    violations,
    tokenRequests: [],
    verifyRequests: [],
    denyNextAuthorization: (e) => void denials.push(e),
    replyNextToken: (r) => void nextToken.push(r),
    replyNextVerify: (r) => void nextVerify.push(r),
  };
  return fake;
}
