import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';

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
