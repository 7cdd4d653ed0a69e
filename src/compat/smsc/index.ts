import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../http/types.js';
import type { CompatDeps } from '../compat-deps.js';
import { authenticate } from './auth.js';
import { SmscCallbackSender } from './callback-sender.js';
import { SmscError, smscErrorOf } from './errors.js';
import { readParams } from './params.js';
import { SMSC_DOCS } from './reference.js';
import { DEFAULT_SMSC_SETTINGS, type SmscSettings } from './settings.js';
import { WindowCounter } from './window-counter.js';
import { contentType, errorBody, fmtOf, phoneBody, type Wire } from './wire-format.js';

export type { SmscSettings } from './settings.js';
export { DEFAULT_SMSC_SETTINGS } from './settings.js';
export { callbackUrlProblem } from './callback-url.js';

export const SMSC_PATH = '/sys/wait_call.php';

// wait_call carries a login, a password and a phone: a few hundred bytes.
const BODY_LIMIT = 16 * 1024;

/** The subscriber's number as SMSC clients write it (`+`, spaces, dashes, brackets allowed), digits only. */
function subscriberDigits(raw: string | undefined): string | undefined {
  const n = raw
    ?.trim()
    .replace(/[\s()\-.]/g, '')
    .replace(/^\+/, '');
  return n && /^[1-9][0-9]{6,14}$/.test(n) ? n : undefined;
}

/**
 * SMSC's "confirm a number with a call" (`/sys/wait_call.php`, GET or form POST) over Verity's
 * reverse_call channel: the answer is the pool number the subscriber must call from `phone`;
 * the call approves the verification, and the credential's `callback_url` handler hears of it.
 * Clients written for SMSC work by changing the host.
 */
export function smscRoutes(deps: CompatDeps, settings: Partial<SmscSettings> = {}) {
  const s: SmscSettings = { ...DEFAULT_SMSC_SETTINGS, ...settings };
  return async function routes(app: App): Promise<void> {
    const callbacks = new SmscCallbackSender(deps, s);
    deps.events.subscribe((e) => callbacks.handle(e));
    app.addHook('onClose', async () => callbacks.close());
    const duplicates = new WindowCounter(s.duplicateLimit, s.duplicateWindowS * 1000);
    // The format each request asked for, so that its errors answer in it too.
    const wires = new WeakMap<FastifyRequest, Wire>();
    const wireOf = (req: FastifyRequest): Wire => {
      const known = wires.get(req);
      if (known) return known;
      const p = readParams(req, s.defaultCharset);
      return { fmt: fmtOf(p.get('fmt')), charset: p.charset };
    };
    const send = (reply: FastifyReply, w: Wire, status: number, body: string) => reply.code(status).header('content-type', contentType(w)).send(body);

    // SMSC clients post forms, some with odd content types: every body is read raw here.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_req, body, done) => done(null, body));
    app.setErrorHandler((err, req, reply) => {
      const e = smscErrorOf(err, s.noNumberError);
      if (e.internal) req.log.error({ err }, 'smsc wait_call failed');
      return send(reply, wireOf(req), e.status, errorBody(wireOf(req).fmt, e.code, e.internal ? 'internal error' : undefined));
    });

    const waitCall = async (req: FastifyRequest, reply: FastifyReply) => {
      const p = readParams(req, s.defaultCharset);
      const wire: Wire = { fmt: fmtOf(p.get('fmt')), charset: p.charset };
      wires.set(req, wire);
      const cred = await authenticate(deps.credentials, p);
      if (!cred) throw new SmscError(2);
      const phone = subscriberDigits(p.get('phone'));
      if (!phone) throw new SmscError(1);
      if (!duplicates.hit(`${cred.id}\n${phone}`, deps.clock.now())) throw new SmscError(9);
      const v = await deps.verifications.start({ accountId: cred.accountId, ip: req.ip }, { to: `+${phone}`, channel: 'reverse_call', metadata: { compat: 'smsc', login: cred.login } });
      if (!v.call_to) throw new SmscError(1);
      const callTo = s.phoneFormat === 'e164' ? v.call_to : v.call_to.replace(/^\+/, '');
      return send(reply, wire, 200, phoneBody(wire.fmt, callTo));
    };
    // One route per method, so that the reference describes each.
    for (const method of ['GET', 'POST'] as const) app.route({ method, url: SMSC_PATH, schema: { hide: true }, config: SMSC_DOCS[method], handler: waitCall });
    // SMSC documents GET and POST only; other verbs get its parameters error, not a Verity 404.
    app.route({
      method: ['PUT', 'DELETE', 'PATCH', 'OPTIONS'],
      url: SMSC_PATH,
      schema: { hide: true },
      handler: async () => {
        throw new SmscError(1);
      },
    });
  };
}
