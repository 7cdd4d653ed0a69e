import type { FastifyReply, FastifyRequest } from 'fastify';
import type { KeyService, Principal } from '../accounts/key-service.js';
import type { TokenService } from '../accounts/token-service.js';
import { AppError } from '../errors/index.js';

/** HTTP Basic `key_id:secret`, as RFC 7617 encodes it; undefined when the header is not Basic. */
export function parseBasic(header: string | undefined): { id: string; secret: string } | undefined {
  if (!header || !/^basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i <= 0) return undefined;
  return { id: decoded.slice(0, i), secret: decoded.slice(i + 1) };
}

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
