import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError } from '../errors/index.js';

/** Who is calling: an API key's (or token's) account, and whether it is the operator's. */
export interface Principal {
  accountId: string;
  keyId: string;
  isAdmin: boolean;
}

/** The Fastify instance as every route plugin sees it: TypeBox schemas give typed requests. */
export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | undefined;
  }
}

/** The caller of an authenticated route; the auth hook guarantees it is set. */
export function principalOf(req: { principal: Principal | undefined }): Principal {
  if (!req.principal) throw new Error('route reached without authentication');
  return req.principal;
}

/**
 * The account a request is about: the caller's own, or the `account` it names, which only an
 * operator key may (`what`: what the caller would do, for the refusal, e.g. "read another account’s
 * analytics").
 */
export function accountOf(caller: Principal, account: string | undefined, what: string): string {
  if (account !== undefined && account !== caller.accountId && !caller.isAdmin) throw new AppError('FORBIDDEN', `only an operator key may ${what}`);
  return account ?? caller.accountId;
}
