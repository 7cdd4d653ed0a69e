import type { FastifyError, HTTPMethods } from 'fastify';
import { AppError, ERROR_CODES } from '../../errors/index.js';
import type { App } from '../../http/types.js';
import type { CompatDeps } from '../compat-deps.js';
import { balanceHandler } from './balance.js';
import { endpoint, JSON_TYPE, type ZadarmaHandler } from './endpoint.js';
import { ZadarmaError } from './errors.js';
import { ZadarmaNotifier } from './notifier.js';
import { KeyRateLimit } from './rate-limit.js';
import { ZADARMA_DOCS } from './reference.js';
import { resolveZadarmaSettings, type ZadarmaSettings } from './settings.js';
import { soundHandlers } from './sound-routes.js';
import { checkVerification, startVerification } from './verify-routes.js';

export { checkNotifyUrl, notifyUrlProblem } from './notify-url.js';
export { DEFAULT_ZADARMA_SETTINGS, type ZadarmaSettings } from './settings.js';

const ALL_METHODS: HTTPMethods[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
// Multipart framing around the largest sound.
const UPLOAD_OVERHEAD = 64 * 1024;

const envelope = (message: string) => JSON.stringify({ status: 'error', message });

/**
 * Zadarma's API for clients moving over by changing the base URL: `/v1/verify/` (sms, call_code,
 * call_button, email) and its check, the IVR sounds call_button plays, and the balance; signed
 * as the official SDKs sign, answered in Zadarma's envelope. call_button results are POSTed to
 * the credential's `notify_url` as Zadarma's notifications.
 */
export function zadarmaRoutes(deps: CompatDeps, settings: Partial<ZadarmaSettings> = {}) {
  const s = resolveZadarmaSettings(settings);
  return async function routes(app: App): Promise<void> {
    const limit = new KeyRateLimit(s.rateLimitPerMin, deps.clock);
    const notifier = new ZadarmaNotifier(deps, s);
    deps.events.subscribe(notifier.onEvent);
    app.addHook('onClose', async () => notifier.close());

    // The signature covers the body as sent, so every body is kept raw and read in the handler
    // (form-encoded, multipart, or form data without any content type).
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    app.setErrorHandler((err: FastifyError | ZadarmaError | AppError, req, reply) => {
      if (err instanceof ZadarmaError) {
        if (err.retryAfterS !== undefined) void reply.header('retry-after', String(err.retryAfterS));
        return reply.code(err.httpStatus).type(JSON_TYPE).send(envelope(err.message));
      }
      // A Verity refusal with no Zadarma wording: a business error, in Zadarma's envelope.
      if (err instanceof AppError && err.status < 500) return reply.code(200).type(JSON_TYPE).send(envelope(ERROR_CODES[err.code].title));
      const status = err instanceof AppError ? err.status : (err.statusCode ?? 500);
      if (status >= 400 && status < 500) {
        const message = status === 413 ? 'Request body is too large' : status === 415 ? 'Unsupported content type' : 'Bad request';
        return reply.code(status).type(JSON_TYPE).send(envelope(message));
      }
      req.log.error({ err }, 'zadarma compat: unhandled error');
      return reply.code(500).type(JSON_TYPE).send(envelope('Internal error'));
    });

    /**
     * A method path, with and without its trailing slash (clients and Zadarma's own examples use
     * both). One route per method, so that the reference describes each; it shows one spelling.
     */
    const route = (path: string, methods: HTTPMethods[], handler: ZadarmaHandler, bodyLimit?: number) => {
      const doc = ZADARMA_DOCS[path];
      for (const url of [path, `${path}/`]) {
        const handle = endpoint(deps.credentials, limit, handler);
        for (const method of methods) {
          const config = url === doc?.url ? doc.methods[method] : undefined;
          // No implied HEAD: a signed HEAD of /v1/verify/ would start a verification and hide the answer.
          app.route({ method, url, exposeHeadRoute: false, schema: { hide: true }, ...(config ? { config } : {}), ...(bodyLimit ? { bodyLimit } : {}), handler: handle });
        }
        const others = ALL_METHODS.filter((m) => !methods.includes(m));
        app.route({ method: others, url, schema: { hide: true }, handler: async (_req, reply) => reply.code(404).type(JSON_TYPE).send(envelope('Wrong request method')) });
      }
    };

    route('/v1/verify', ['POST', 'GET'], startVerification(deps));
    route('/v1/verify/check', ['POST', 'GET'], checkVerification(deps));
    route('/v1/info/balance', ['GET'], balanceHandler(deps));
    const sounds = soundHandlers(deps, s);
    route('/v1/pbx/ivr/sounds/list', ['GET'], sounds.list);
    route('/v1/pbx/ivr/sounds/upload', ['POST'], sounds.upload, s.soundMaxBytes + UPLOAD_OVERHEAD);
    route('/v1/pbx/ivr/sounds/delete', ['DELETE'], sounds.remove);
  };
}
