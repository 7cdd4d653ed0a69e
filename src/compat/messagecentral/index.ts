import { AppError } from '../../errors/index.js';
import type { App } from '../../http/types.js';
import type { CompatDeps } from '../compat-deps.js';
import type { McContext } from './context.js';
import { envelope, McError, sendJson } from './envelope.js';
import { toMcError } from './errors.js';
import { sendRoute } from './send-route.js';
import { resolveMessageCentralSettings, type MessageCentralOptions } from './settings.js';
import { tokenRoute } from './token-route.js';
import { MC_DOCS } from './reference.js';
import { McTokens } from './token.js';
import { validateRoute } from './validate-route.js';
import { MemoryVerificationNumbers } from './verification-numbers.js';

export { DEFAULT_MESSAGECENTRAL_SETTINGS, messageCentralSettingsProblems, type MessageCentralOptions, type MessageCentralSettings } from './settings.js';
export { SqlVerificationNumbers } from './sql-verification-numbers.js';
export { MemoryVerificationNumbers, type VerificationNumbers } from './verification-numbers.js';

/**
 * Message Central VerifyNow at the vendor's own paths, over Verity's verifications: the token
 * endpoint, send and validateOtp, with the vendor's numeric verificationIds, envelope and response
 * codes. Clients written for Message Central work by changing the host.
 */
export function messageCentralRoutes(deps: CompatDeps, settings: MessageCentralOptions = {}) {
  const { signingKey, numbers, ...rest } = settings;
  const s = resolveMessageCentralSettings(rest);
  const c: McContext = {
    deps,
    s,
    tokens: new McTokens(deps.credentials, deps.clock, s.tokenTtlS, signingKey),
    numbers: numbers ?? new MemoryVerificationNumbers(() => deps.clock.now()),
  };
  return async function routes(app: App): Promise<void> {
    // Parameters come in the query; a body, whatever its type (OkHttp sends an empty text/plain
    // one), is read as text and only ever fills in what the query lacks.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, body, done) => done(null, body));
    // Whatever fails on these paths (the server's own request checks included) answers in the
    // vendor's envelope at the business-error status, never in Verity's problem format.
    app.setErrorHandler((err: { statusCode?: number }, req, reply) => {
      const client = err instanceof AppError ? err.status < 500 : err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500;
      if (!client) req.log.error({ err }, 'messagecentral request failed');
      const e = err instanceof AppError ? toMcError(err) : new McError(client ? 400 : 500, client ? 'the request could not be read' : undefined);
      void sendJson(reply, s.errorHttpStatus, envelope(e.responseCode, { responseCode: String(e.responseCode), errorMessage: e.detail }));
    });

    const hide = { schema: { hide: true } };
    app.get('/auth/v1/authentication/token', { ...hide, config: MC_DOCS.token }, tokenRoute(c));
    app.post('/verification/v3/send', { ...hide, config: MC_DOCS.send }, sendRoute(c));
    // The vendor's docs show validateOtp with and without a trailing slash, and clients use both
    // verbs; the reference shows both verbs on the spelling without it.
    for (const path of ['/verification/v3/validateOtp', '/verification/v3/validateOtp/']) {
      const documented = !path.endsWith('/');
      app.get(path, documented ? { ...hide, config: MC_DOCS.validateGet } : hide, validateRoute(c));
      app.post(path, documented ? { ...hide, config: MC_DOCS.validatePost } : hide, validateRoute(c));
    }
  };
}
