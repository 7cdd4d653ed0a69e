import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors/index.js';
import { parseBasic } from '../http/auth.js';
import type { Principal } from '../http/types.js';
import type { KeyService } from './key-service.js';
import type { TokenService } from './token-service.js';

/**
 * Resolves the caller from `Authorization`: an API key over Basic, or a Bearer access token.
 * A callback hook, so a key seen moments ago (the common case) costs no promise.
 */
export function authenticator(keys: KeyService, tokens: TokenService) {
  async function resolve(header: string): Promise<Principal> {
    let principal: Principal | undefined;
    const bearer = /^bearer /i.test(header);
    if (bearer) {
      principal = await tokens.verify(header.slice(7).trim());
    } else {
      const basic = parseBasic(header);
      if (!basic) throw new AppError('INVALID_CREDENTIALS', 'the Authorization header must be Basic or Bearer');
      if (basic.id.length <= 64 && basic.secret.length <= 256) principal = await keys.authenticate(basic.id, basic.secret);
    }
    if (!principal) throw new AppError('INVALID_CREDENTIALS', 'the API key or token is not valid');
    // Bearer tokens are not remembered: their expiry is checked on every request.
    if (!bearer) keys.rememberHeader(header, principal);
    return principal;
  }

  return function authenticate(req: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void): void {
    const header = req.headers.authorization;
    if (!header) return done(new AppError('UNAUTHORIZED', 'send an API key as HTTP Basic key_id:secret, or a Bearer token from POST /oauth/token'));
    // A header seen moments ago resolves from memory; the key service owns that cache and drops
    // an entry when its key is revoked or its time is up.
    const known = keys.recallHeader(header);
    if (known) {
      req.principal = known;
      return done();
    }
    resolve(header).then(
      (principal) => {
        req.principal = principal;
        done();
      },
      (err: unknown) => done(err instanceof Error ? err : new Error(String(err))),
    );
  };
}

export function requireAdmin(req: FastifyRequest): Principal {
  const p = req.principal;
  if (!p?.isAdmin) throw new AppError('FORBIDDEN', 'only an operator key may manage accounts');
  return p;
}
