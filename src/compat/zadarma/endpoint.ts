import type { FastifyReply, FastifyRequest } from 'fastify';
import type { VendorCredential, VendorCredentials } from '../credentials/vendor-credentials.js';
import { NOT_AUTHORIZED, RATE_LIMITED, ZadarmaError } from './errors.js';
import type { KeyRateLimit } from './rate-limit.js';
import { signatureMatches } from './signature.js';
import { readWire, type WireRequest } from './wire.js';

export const JSON_TYPE = 'application/json; charset=utf-8';

/** An authenticated Zadarma call, ready for a handler. */
export interface ZadarmaCall {
  wire: WireRequest;
  credential: VendorCredential;
  ip: string;
}

export type ZadarmaHandler = (call: ZadarmaCall) => Promise<Record<string, unknown>>;

const KEY = /^[A-Za-z0-9]{1,64}$/;

/** The credential whose secret signed this request; a 401 in Zadarma's words otherwise. */
async function authenticate(creds: VendorCredentials, req: FastifyRequest, wire: WireRequest): Promise<VendorCredential> {
  const header = req.headers.authorization;
  // `<key>:<signature>`, with no scheme word before it.
  const colon = typeof header === 'string' ? header.indexOf(':') : -1;
  const key = colon > 0 ? (header as string).slice(0, colon).trim() : '';
  const given = colon > 0 ? (header as string).slice(colon + 1).trim() : '';
  if (!KEY.test(key) || given.length === 0 || given.length > 200) throw new ZadarmaError(NOT_AUTHORIZED, 401);
  const cred = await creds.find('zadarma', key);
  if (!cred || !signatureMatches(cred.secret, wire, given)) throw new ZadarmaError(NOT_AUTHORIZED, 401);
  return cred;
}

/**
 * A route handler that reads the request as Zadarma clients send it, checks the signature and
 * the key's budget (with the X-RateLimit-* headers the SDKs read), runs `handler` and answers
 * its object as JSON. Every refusal is thrown for the plugin's error handler to word.
 */
export function endpoint(creds: VendorCredentials, limit: KeyRateLimit, handler: ZadarmaHandler) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const wire = readWire(req);
    if (!wire) throw new ZadarmaError('Bad request', 400);
    const credential = await authenticate(creds, req, wire);
    const w = limit.take(credential.login);
    if (w.limit > 0) {
      void reply.header('x-ratelimit-limit', String(w.limit)).header('x-ratelimit-remaining', String(w.remaining)).header('x-ratelimit-reset', String(w.resetS));
    }
    if (!w.allowed) throw new ZadarmaError(RATE_LIMITED, 429, w.resetS);
    const body = await handler({ wire, credential, ip: req.ip });
    return reply.code(200).type(JSON_TYPE).send(JSON.stringify(body));
  };
}
