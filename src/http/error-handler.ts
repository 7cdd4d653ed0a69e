import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, toProblem, type ErrorCode } from '../errors/index.js';
import secureJson from 'secure-json-parse';
import type { App } from './types.js';

const secureJsonParse = (text: string): unknown => secureJson.parse(text, null, { protoAction: 'error', constructorAction: 'error' });

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'MALFORMED_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
};

/**
 * A 415's detail: what the route takes, so that a client sending a form (what `curl -d` sends by
 * default) or no content type learns the fix. A route that takes other types declares them in
 * `consumes`; the others take JSON, and a form where the route registered a form parser.
 */
function mediaTypeDetail(req: FastifyRequest): string {
  const declared = (req.routeOptions.schema as { consumes?: string[] } | undefined)?.consumes;
  const accepted = declared ?? ['application/json', ...(req.server.hasContentTypeParser('application/x-www-form-urlencoded') ? ['application/x-www-form-urlencoded'] : [])];
  const sent = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  // The type is echoed only when it looks like one: a header is the client's to fill with anything.
  const what = !sent ? 'a body without a content type' : /^[a-z0-9.+-]{1,40}\/[a-z0-9.+-]{1,60}$/.test(sent) ? `a body of type ${sent}` : 'a body of another type';
  return `${what} is not accepted here: send content-type: ${accepted.join(' or ')}`;
}

export function sendProblem(reply: FastifyReply, req: FastifyRequest, code: ErrorCode, detail: string, extra: Record<string, unknown> = {}) {
  const problem = toProblem(code, detail, req.id, extra);
  return reply.code(problem.status).type('application/problem+json').send(problem);
}

/**
 * Every failure leaves as RFC 9457 problem+json with a stable code. Only an unexpected error
 * becomes a 500, and its message stays in the log: it could carry data the caller must not see.
 */
/** For Fastify's own routing failures (bad percent-encoding, over-long path segments). */
export function frameworkError(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') void sendProblem(reply, req, 'PATH_TOO_LONG', 'a path segment is longer than 100 characters');
  else void sendProblem(reply, req, 'VALIDATION_FAILED', 'the URL is not valid percent-encoding');
}

export function installErrorHandler(app: App): void {
  app.setErrorHandler((err: FastifyError | AppError | Error, req, reply) => {
    if (err instanceof AppError) {
      if (err.retryAfterS !== undefined) reply.header('retry-after', String(err.retryAfterS));
      return sendProblem(reply, req, err.code, err.message, err.extra);
    }
    const fe = err as FastifyError;
    if (fe.validation) {
      const errors = fe.validation.map((v) => {
        const { allowedValues: allowed, additionalProperty: extra } = v.params as { allowedValues?: unknown[]; additionalProperty?: string };
        // A field this route does not take is named (the caller's own key, cut short), so a typo is found at once.
        const message = allowed ? `must be one of: ${allowed.join(', ')}` : extra !== undefined ? `has no field ${JSON.stringify(extra.slice(0, 64))}` : (v.message ?? 'invalid');
        return { path: v.instancePath || '/', message };
      });
      const where = fe.validationContext ?? 'request';
      return sendProblem(reply, req, 'VALIDATION_FAILED', `${where}${errors[0]?.path === '/' ? '' : (errors[0]?.path ?? '')} ${errors[0]?.message ?? 'is invalid'}`, { errors });
    }
    if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return sendProblem(reply, req, 'UNSUPPORTED_MEDIA_TYPE', mediaTypeDetail(req));
    const mapped = fe.code ? FASTIFY_CODES[fe.code] : undefined;
    if (mapped) return sendProblem(reply, req, mapped, fe.message);
    if (err instanceof SyntaxError) return sendProblem(reply, req, 'MALFORMED_JSON', 'the body is not valid JSON');
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return sendProblem(reply, req, 'VALIDATION_FAILED', fe.message);
    }
    req.log.error({ err }, 'unhandled error');
    return sendProblem(reply, req, 'INTERNAL_ERROR', 'something went wrong; the request id identifies it in the server log');
  });

  // Only JSON (and, on /oauth/token, forms) is accepted: a text/plain body is 415, not a string.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  // Strings are stored as text, and PostgreSQL text cannot hold NUL; refuse it at the door.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = body as string;
    if (text.includes('\\u0000')) return done(new AppError('VALIDATION_FAILED', 'strings may not contain the NUL character'));
    if (text.length === 0) return done(new AppError('MALFORMED_JSON', 'the body is empty but its content type says JSON'));
    try {
      done(null, secureJsonParse(text));
    } catch {
      done(new AppError('MALFORMED_JSON', 'the body is not valid JSON'));
    }
  });
  app.addHook('onRequest', (req, _reply, done) => {
    if (req.url.includes('%00')) return done(new AppError('VALIDATION_FAILED', 'the URL may not contain the NUL character'));
    done();
  });

  app.setNotFoundHandler((req, reply) => sendProblem(reply, req, 'NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`));
}
