import type { FastifyReply, FastifyRequest } from 'fastify';
import type { McContext } from './context.js';
import { sendJson } from './envelope.js';
import { param, readParams } from './params.js';
import { keyMatches } from './token.js';

/**
 * `GET /auth/v1/authentication/token?customerId=…&key=<base64 of the password>`: `{"status":200,
 * "token":…}`. scope, country and email are accepted and play no part. A refusal is
 * `{"status":400,"error":…}`, at the configured HTTP status; an unknown customerId and a wrong key
 * read the same, so the answer does not tell which customerIds exist.
 */
export function tokenRoute(c: McContext) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const p = readParams(req);
    const refuse = (error: string) => sendJson(reply, c.s.tokenErrorHttpStatus, JSON.stringify({ status: 400, error }));
    const customerId = param(p, 'customerId');
    // Not trimmed: a base64 key may end in a `+` that the query turned into a space.
    const key = p.get('key');
    if (!customerId) return refuse('customerId is required');
    if (!key) return refuse('key is required');
    const cred = customerId.length <= 64 ? await c.deps.credentials.find('messagecentral', customerId) : undefined;
    if (!cred || !keyMatches(key, cred.secret)) return refuse('customerId is invalid');
    return sendJson(reply, 200, JSON.stringify({ status: 200, token: await c.tokens.issue(cred) }));
  };
}
