import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { jwtVerify, SignJWT } from 'jose';
import type { App } from '../../http/types.js';
import type { Clock } from '../../lib/clock.js';
import { OUTCOME_STATUS, type SilentEngine } from '../../silent/silent-engine.js';
import type { VendorCredential, VendorCredentials } from '../credentials/vendor-credentials.js';
import { apigeeToken, fault, oauthError } from './apigee.js';
import { CLARO_SMV_DOC, CLARO_TOKEN_DOC } from './reference.js';
import { parseSmvBody } from './smv-body.js';

export interface ClaroSettings {
  /** X-CustomerID values accepted (every Claro sample sends `claro`). */
  customerIds: readonly string[];
  /** How far either side of the given timestamp a session may start or end. */
  toleranceS: number;
  tokenTtlS: number;
  /** HS256 key of the access tokens. */
  signingKey: Uint8Array;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const AUDIENCE = 'claro-smv';

// The engine's four answers, as Claro's statuses and the body its clients print.
const ANSWERS = {
  verified_online: { status: OUTCOME_STATUS.verified_online, state: 'CONNECTED' },
  verified_offline: { status: OUTCOME_STATUS.verified_offline, state: 'DISCONNECTED' },
  no_match: { status: OUTCOME_STATUS.no_match, state: undefined },
  outside_ranges: { status: OUTCOME_STATUS.outside_ranges, state: undefined },
} as const;

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** `Basic …` or `Bearer …` from Claro's own header, or the standard one. */
function credentials(req: FastifyRequest, scheme: 'Basic' | 'Bearer'): string | undefined {
  for (const raw of [header(req, 'x-client-auth'), header(req, 'authorization')]) {
    const m = raw && new RegExp(`^${scheme}\\s+(\\S+)\\s*$`, 'i').exec(raw);
    if (m) return m[1];
  }
  return undefined;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Claro Brasil's Silent Mobile Verification, answered from Verity's silent-verification engine:
 * the Apigee token endpoint and `smvs`, with Claro's headers and statuses. Clients written for
 * Claro work by changing the host.
 */
export function claroRoutes(creds: VendorCredentials, engine: SilentEngine, clock: Clock, s: ClaroSettings) {
  return async function routes(app: App): Promise<void> {
    // Claro's PHP sample posts JSON that is not JSON: every body is read as text here.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, body, done) => done(null, body));
    app.setErrorHandler((err: { statusCode?: number; status?: number }, _req, reply) => {
      // Fastify's own errors carry statusCode, Verity's (a NUL in the URL, …) status.
      const code = err.statusCode ?? err.status;
      const status = code && code >= 400 && code < 500 ? code : 500;
      void reply
        .code(status)
        .type(JSON_TYPE)
        .send(fault(status === 500 ? 'Internal Server Error' : 'Bad Request', status === 500 ? 'messaging.runtime.error' : 'protocol.http.BadRequest'));
    });
    const send = (reply: FastifyReply, status: number, body: string) => reply.code(status).type(JSON_TYPE).send(body);

    app.post('/oauth2/v1/token', { schema: { hide: true }, config: CLARO_TOKEN_DOC }, async (req, reply) => {
      const basic = credentials(req, 'Basic');
      if (!basic) return send(reply, 400, oauthError('invalid_request', 'The request is missing a required parameter : client_id'));
      const grant = new URLSearchParams(typeof req.body === 'string' ? req.body : '').get('grant_type');
      if (grant !== 'client_credentials') return send(reply, 400, oauthError('invalid_request', `Unsupported grant type : ${(grant ?? '').slice(0, 40)}`));
      const decoded = Buffer.from(basic, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const cred = colon > 0 ? await creds.find('claro', decoded.slice(0, colon)) : undefined;
      if (!cred || !sameText(decoded.slice(colon + 1), cred.secret)) return send(reply, 401, oauthError('invalid_client', 'ClientId is Invalid'));
      const now = clock.now();
      const token = await new SignJWT({ acc: cred.accountId })
        .setProtectedHeader({ alg: 'HS256' })
        .setAudience(AUDIENCE)
        .setSubject(cred.id)
        .setIssuedAt(Math.floor(now / 1000))
        .setExpirationTime(Math.floor(now / 1000) + s.tokenTtlS)
        .sign(s.signingKey);
      return send(reply, 200, apigeeToken({ clientId: cred.login, accessToken: token, issuedAtMs: now, expiresInS: s.tokenTtlS }));
    });

    app.post('/identity/v1/mobileidentities/smvs', { schema: { hide: true }, config: CLARO_SMV_DOC }, async (req, reply) => {
      const cred = await bearer(credentials(req, 'Bearer'));
      if (!cred) return send(reply, 401, fault('Invalid Access Token', 'keymanagement.service.invalid_access_token'));
      const customer = header(req, 'x-customerid');
      if (!customer || !s.customerIds.includes(customer)) return send(reply, 403, fault('Customer not entitled', 'access.denied'));
      const q = parseSmvBody(typeof req.body === 'string' ? req.body : '');
      if ('problem' in q) return send(reply, 400, fault(q.problem, 'protocol.http.BadRequest'));
      const answer = await engine.lookup({ msisdn: `+${q.msisdn}`, ip: q.ip, port: q.port, at: q.at, toleranceMs: s.toleranceS * 1000, sandboxOf: cred.accountId });
      const a = ANSWERS[answer.outcome];
      if (a.state) return send(reply, a.status, JSON.stringify({ data: { msisdn: q.msisdn, status: a.state } }));
      return send(reply, a.status, fault(a.status === 418 ? 'IP outside the operator range' : 'No match', a.status === 418 ? 'smv.ip.out_of_range' : 'smv.not_found'));
    });

    /** The credential behind a token, while both are valid. */
    async function bearer(token: string | undefined): Promise<Omit<VendorCredential, 'secret'> | undefined> {
      if (!token) return undefined;
      try {
        const { payload } = await jwtVerify(token, s.signingKey, { audience: AUDIENCE, algorithms: ['HS256'], currentDate: new Date(clock.now()) });
        // The credential must still exist: revoking it ends its tokens.
        const found = typeof payload.acc === 'string' && typeof payload.sub === 'string' ? await creds.get(payload.acc, payload.sub) : undefined;
        return found?.vendor === 'claro' ? found : undefined;
      } catch {
        return undefined;
      }
    }
  };
}
