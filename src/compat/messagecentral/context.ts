import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CompatDeps } from '../compat-deps.js';
import type { VendorCredential } from '../credentials/vendor-credentials.js';
import { envelope, type McError, sendJson, sendUnauthorized, type ResponseCode } from './envelope.js';
import { header } from './params.js';
import type { MessageCentralSettings } from './settings.js';
import type { McTokens } from './token.js';
import type { VerificationNumbers } from './verification-numbers.js';

/** What every Message Central route works with. */
export interface McContext {
  deps: CompatDeps;
  s: MessageCentralSettings;
  tokens: McTokens;
  numbers: VerificationNumbers;
}

/** The credential behind the request's `authToken` header; answers 401 itself when there is none. */
export async function authenticate(c: McContext, req: FastifyRequest, reply: FastifyReply): Promise<VendorCredential | undefined> {
  const cred = await c.tokens.verify(header(req, 'authtoken'));
  if (!cred) void sendUnauthorized(reply, req, c.deps.clock.now());
  return cred;
}

/** An answer in the vendor's envelope: 200 for SUCCESS, the configured status for anything else. */
export function answer(c: McContext, reply: FastifyReply, code: ResponseCode, data: Record<string, unknown>, retryAfterS?: number): FastifyReply {
  if (retryAfterS !== undefined) void reply.header('retry-after', String(retryAfterS));
  return sendJson(reply, code === 200 ? 200 : c.s.errorHttpStatus, envelope(code, data));
}

/** A refusal, with `data` built by the route from the code and its explanation. */
export function refuse(c: McContext, reply: FastifyReply, err: McError, data: (code: ResponseCode, errorMessage: string) => Record<string, unknown>): FastifyReply {
  return answer(c, reply, err.responseCode, data(err.responseCode, err.detail), err.retryAfterS);
}
