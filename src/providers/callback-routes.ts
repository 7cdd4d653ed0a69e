import { TAG } from '../http/reference.js';
import { Type } from 'typebox';
import { AppError } from '../errors/index.js';
import { publicProblems } from '../http/schemas.js';
import type { App } from '../http/types.js';
import { callProviderOf } from '../calls/call-channel-provider.js';
import type { CallEventRecord, CallStep } from '../calls/call-provider.js';
import { ProviderError } from '../kernel/provider-errors.js';
import type { CallbackRequest, DeliveryReceipt } from '../kernel/message.js';
import type { MessageProvider } from '../delivery/provider.js';

const CALLBACK_BODY_LIMIT = 64 * 1024;

/**
 * Status callbacks from vendors (Twilio, Vonage, WhatsApp, a generic gateway). They carry no
 * Verity credentials: each provider checks its vendor's own signature on the raw request, which
 * is why the body is kept exactly as it arrived.
 */
export function callbackRoutes(
  providerNamed: (name: string) => Promise<MessageProvider | undefined>,
  onReceipt: (provider: string, r: DeliveryReceipt) => Promise<void> | undefined,
  publicUrl: string,
  onCallEvents: (provider: string, events: CallEventRecord[]) => Promise<CallStep[] | undefined>,
) {
  return async function routes(app: App): Promise<void> {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: CALLBACK_BODY_LIMIT }, (_req, body, done) => done(null, body));

    type Req = { params: { id: string }; method: string; url: string; headers: Record<string, string | string[] | undefined>; query: unknown; body: unknown };
    type Reply = { type(t: string): Reply };
    const handler = async (req: Req, reply: Reply) => {
      const provider = await providerNamed(req.params.id);
      const calls = provider && callProviderOf(provider);
      if (!provider || (!provider.parseCallback && !calls)) throw new AppError('PROVIDER_NOT_FOUND', `no provider ${req.params.id} takes callbacks`);
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      const call: CallbackRequest = {
        method: req.method,
        url: `${publicUrl.replace(/\/+$/, '')}${req.url}`,
        headers,
        query: Object.fromEntries(Object.entries((req.query ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)])),
        rawBody: typeof req.body === 'string' ? req.body : '',
      };
      const challenge = req.method === 'GET' ? provider.answerChallenge?.(call) : undefined;
      if (challenge !== undefined) {
        reply.type('text/plain');
        return challenge;
      }
      if (calls) {
        const result = await parsed(() => calls.parseCallback(call));
        const next = await onCallEvents(provider.name, result.events);
        // The vendor waits for what the call does next (TwiML, NCCO); a status callback gets a receipt count.
        const answer = next ? calls.continueWith(next) : result.response;
        if (!answer) return { received: result.events.length };
        reply.type(answer.contentType);
        return answer.body;
      }
      const receipts = await parsed(() => (provider.parseCallback as NonNullable<MessageProvider['parseCallback']>)(call));
      for (const r of receipts) await onReceipt(provider.name, r);
      return { received: receipts.length };
    };

    async function parsed<T>(read: () => T | Promise<T>): Promise<T> {
      try {
        return await read();
      } catch (err) {
        if (err instanceof ProviderError && err.code === 'BAD_SIGNATURE') throw new AppError('INVALID_SIGNATURE');
        throw new AppError('INVALID_CALLBACK', err instanceof ProviderError ? err.message : 'the callback could not be read');
      }
    }

    const schema = {
      tags: [TAG.delivery],
      security: [],
      summary: 'Callback from a provider: delivery receipts, call events (answered, key pressed, ended, inbound call); checked by the vendor’s signature',
      description:
        'Called by the vendor, not by clients: the URL is a provider’s `callback_url`. The body is read in the vendor’s own format (form or JSON, at most 64 KiB) and needs no Verity credentials.',
      // The same parameter name as /v1/providers/:id: the router keeps one node for both.
      params: Type.Object({ id: Type.String({ maxLength: 64, description: 'The provider’s name in PROVIDERS, or an account provider’s id (prv_…)' }) }),
      response: {
        200: Type.Union(
          [
            Type.Object({ received: Type.Integer({ description: 'Receipts or call events taken from the callback' }) }),
            Type.String({ description: 'The echoed subscription challenge (WhatsApp), or what a call does next (TwiML, NCCO)' }),
          ],
          { examples: [{ received: 1 }] },
        ),
        ...publicProblems('PROVIDER_NOT_FOUND', 'INVALID_SIGNATURE', 'INVALID_CALLBACK', 'BODY_TOO_LARGE'),
      },
    };
    app.post('/v1/providers/:id/callback', { schema }, handler);
    app.get('/v1/providers/:id/callback', { schema }, handler);
  };
}
