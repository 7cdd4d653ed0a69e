import { TAG } from '../../http/reference.js';
import { createHash, timingSafeEqual } from 'node:crypto';
import formbody from '@fastify/formbody';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { KeyService } from '../../accounts/key-service.js';
import { AppError } from '../../errors/index.js';
import { parseBasic } from '../../http/auth.js';
import { clientPort } from '../../http/client-port.js';
import type { App } from '../../http/types.js';
import type { SilentEngine } from '../silent-engine.js';
import { TOKEN_TTL_S, type NvTokens } from './nv-tokens.js';
import { AuthorizeErrors, DevicePhoneNumber, DevicePhoneNumberErrors, TokenBody, TokenErrors, TokenResponse, VerifyBody, VerifyErrors, VerifyResponse } from './schemas.js';

const BASE = '/number-verification/v2';
const SCOPES = ['number-verification:verify', 'number-verification:device-phone-number:read'];

/** A CAMARA error: `{status, code, message}` with the HTTP status it names. */
class CamaraError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const unauthenticated = () => new CamaraError(401, 'UNAUTHENTICATED', 'Request not authenticated due to missing, invalid, or expired credentials.');
const XCorrelator = /^[a-zA-Z0-9-_:;./<>{}]{0,256}$/;

function sameNumber(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * CAMARA Number Verification, provider side (v2): the device reaches `authorize` over its mobile
 * data connection; the network session behind its address names the number, which goes into a
 * single-use code, exchanged by the API consumer (an API key) for a single-use, five-minute token
 * that `verify` or `device-phone-number` spends. Errors use CAMARA's `{status, code, message}`.
 */
export function camaraRoutes(engine: SilentEngine, tokens: NvTokens, keys: KeyService, trustProxy: boolean) {
  return async function routes(app: App): Promise<void> {
    await app.register(formbody);
    app.setErrorHandler((err: Error & { statusCode?: number; validation?: unknown }, req, reply) => {
      // A body the server's JSON parser refused is an AppError (MALFORMED_JSON, 400), as its problem says.
      const status = err instanceof AppError ? err.status : err.statusCode;
      const clientError = err.validation !== undefined || err instanceof SyntaxError || (status ?? 500) < 500;
      const e =
        err instanceof CamaraError
          ? err
          : clientError
            ? new CamaraError(400, 'INVALID_ARGUMENT', 'Client specified an invalid argument, request body or query param.')
            : new CamaraError(500, 'INTERNAL', 'Server error.');
      if (!(err instanceof CamaraError) && !clientError) req.log.error({ err }, 'number verification failed');
      return reply.code(e.status).type('application/json').send({ status: e.status, code: e.code, message: e.message });
    });
    app.addHook('onRequest', async (req, reply) => {
      const correlator = req.headers['x-correlator'];
      if (typeof correlator === 'string' && XCorrelator.test(correlator)) reply.header('x-correlator', correlator);
    });

    const bearer = async (req: FastifyRequest, scope: string) => {
      const m = /^Bearer ([A-Za-z0-9._-]+)$/.exec(req.headers.authorization ?? '');
      if (!m?.[1]) throw unauthenticated();
      const grant = await tokens.spend('access', m[1]);
      if (!grant) throw unauthenticated();
      if (!grant.scope.includes(scope)) throw new CamaraError(403, 'PERMISSION_DENIED', 'Client does not have sufficient permissions to perform this action.');
      return grant;
    };

    app.get(
      `${BASE}/authorize`,
      {
        schema: {
          tags: [TAG.numberVerification],
          summary: 'Network-based authentication: reached by the device over mobile data, redirects with a single-use code',
          description:
            'The app opens this URL on the device, over its mobile data connection: the network session behind the address it comes from names the number. The redirect carries a code for POST /token, valid for a minute.',
          querystring: Type.Object({
            response_type: Type.Literal('code'),
            client_id: Type.String({ maxLength: 64, description: 'The API key id of the app’s server' }),
            redirect_uri: Type.String({ maxLength: 2048, pattern: '^https?://' }),
            scope: Type.Optional(Type.String({ maxLength: 512, description: `Space-separated: ${SCOPES.join(', ')} (default the first)` })),
            state: Type.Optional(Type.String({ maxLength: 512, description: 'Sent back as is in the redirect' })),
            prompt: Type.Optional(Type.String({ maxLength: 32 })),
          }),
          response: {
            302: Type.Null({ description: 'To redirect_uri with `code` and `state`; with `error=access_denied` when the device is not on this operator’s mobile data network' }),
            ...AuthorizeErrors,
          },
        },
      },
      async (req, reply) => {
        const q = req.query;
        const back = new URL(q.redirect_uri);
        if (q.state !== undefined) back.searchParams.set('state', q.state);
        if (!(await keys.lookup(q.client_id))) throw new CamaraError(400, 'INVALID_ARGUMENT', 'unknown client_id');
        const scope = (q.scope ?? SCOPES[0] ?? '').split(' ').filter((s) => SCOPES.includes(s));
        // The address the device reached us from; behind a trusted proxy, the port it forwards.
        const msisdn = scope.length > 0 ? await engine.holderOf(req.ip, clientPort(req, trustProxy)) : undefined;
        if (!msisdn) {
          back.searchParams.set('error', 'access_denied');
          back.searchParams.set('error_description', scope.length > 0 ? 'the device is not on this operator’s mobile data network' : 'no Number Verification scope requested');
        } else {
          back.searchParams.set('code', await tokens.issue('code', { msisdn, clientId: q.client_id, scope }));
        }
        return reply.redirect(back.toString(), 302);
      },
    );

    app.post(
      `${BASE}/token`,
      {
        schema: {
          tags: [TAG.numberVerification],
          summary: 'Exchange the code for a single-use access token (client authentication with the API key)',
          description: 'The app’s server authenticates with its API key, as HTTP Basic or as client_id and client_secret, and must be the client the code was issued to.',
          consumes: ['application/x-www-form-urlencoded', 'application/json'],
          body: TokenBody,
          response: { 200: TokenResponse, ...TokenErrors },
        },
      },
      async (req, reply) => {
        const basic = parseBasic(req.headers.authorization);
        const id = basic?.id ?? req.body.client_id;
        const secret = basic?.secret ?? req.body.client_secret;
        const client = id && secret ? await keys.authenticate(id, secret) : undefined;
        if (!client) throw unauthenticated();
        const grant = await tokens.spend('code', req.body.code);
        if (!grant || grant.clientId !== client.keyId) throw new CamaraError(400, 'INVALID_ARGUMENT', 'the code is invalid, expired, already used or not this client’s');
        const access = await tokens.issue('access', grant);
        reply.header('cache-control', 'no-store');
        return { access_token: access, token_type: 'Bearer' as const, expires_in: TOKEN_TTL_S, scope: grant.scope.join(' ') };
      },
    );

    app.post(
      `${BASE}/verify`,
      {
        schema: {
          tags: [TAG.numberVerification],
          summary: 'Does this number (plain or SHA-256 hashed) match the device’s?',
          description: 'Spends an access token with the number-verification:verify scope. Give exactly one of phoneNumber and hashedPhoneNumber.',
          body: VerifyBody,
          response: { 200: VerifyResponse, ...VerifyErrors },
        },
      },
      async (req) => {
        const grant = await bearer(req, 'number-verification:verify');
        const b = req.body;
        const verified =
          b.phoneNumber !== undefined ? sameNumber(b.phoneNumber, grant.msisdn) : sameNumber((b.hashedPhoneNumber ?? '').toLowerCase(), createHash('sha256').update(grant.msisdn).digest('hex'));
        return { devicePhoneNumberVerified: verified };
      },
    );

    app.get(
      `${BASE}/device-phone-number`,
      {
        schema: {
          tags: [TAG.numberVerification],
          summary: 'The number of the device the token was issued for',
          description: 'Spends an access token with the number-verification:device-phone-number:read scope.',
          response: { 200: DevicePhoneNumber, ...DevicePhoneNumberErrors },
        },
      },
      async (req) => ({ devicePhoneNumber: (await bearer(req, 'number-verification:device-phone-number:read')).msisdn }),
    );
  };
}
