/**
 * A webhook Verity really sent, to a listener on this machine, verified with the client's
 * Standard Webhooks check; then the same request tampered with in each way an attacker could.
 */
import { createVerity, type Verity, type WebhookFailure, WebhookVerificationError } from '@verity/client';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Listener, listen, type SeenRequest } from '../helpers/http-listener.js';
import { eventually, type RunningVerity, startVerity } from './verity-server.js';

const headersOf = (r: SeenRequest) => r.headers as Record<string, string>;

describe('webhook verification with the typed client', () => {
  let server: RunningVerity;
  let verity: Verity;
  let hooks: Listener;
  let secret: string;
  let delivered: SeenRequest;
  let verificationId: string;

  beforeAll(async () => {
    server = await startVerity();
    verity = createVerity({ baseUrl: server.url, keyId: server.keyId, secret: server.secret });
    hooks = await listen(() => ({ status: 204 }), []);
    const endpoint = await verity.api.POST('/v1/webhooks', { body: { url: `${hooks.url}/hooks/verity`, events: ['verification.approved'] } });
    expect(endpoint.response.status, JSON.stringify(endpoint.error)).toBe(201);
    secret = endpoint.data!.secret;
    // A magic number: its code is always 123456, so the approval is one check away.
    const v = await verity.verifications.start({ to: '+15005550006', channel: 'sms' });
    verificationId = v.id;
    await verity.verifications.check(v.id, '123456');
    await eventually(
      async () => hooks.requests.length,
      (n) => n > 0,
    );
    delivered = hooks.requests[0]!;
  });
  afterAll(async () => {
    await server?.close();
    await hooks?.close();
  });

  const failure = async (call: Promise<unknown>): Promise<WebhookFailure | undefined> => {
    const err = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(err instanceof WebhookVerificationError)) throw new Error(`expected a WebhookVerificationError, got ${String(err)}`);
    return err.reason;
  };

  it('accepts the request Verity signed and returns its event', async () => {
    const event = await verity.webhooks.verify(delivered.body, headersOf(delivered), secret);
    expect(event).toMatchObject({ type: 'verification.approved', data: expect.objectContaining({ id: verificationId, status: 'approved' }) });
    // The same bytes as a Uint8Array, and the headers as a Headers object, as a fetch handler has them.
    const asFetch = new Headers(headersOf(delivered));
    expect(await verity.webhooks.verify(new TextEncoder().encode(delivered.body), asFetch, secret)).toEqual(event);
  });

  it('refuses a changed body', async () => {
    const forged = delivered.body.replace('approved', 'canceled');
    expect(forged).not.toBe(delivered.body);
    expect(await failure(verity.webhooks.verify(forged, headersOf(delivered), secret))).toBe('invalid_signature');
  });

  it('refuses a correctly signed request replayed after five minutes, or a signature moved to another time', async () => {
    const sixMinutesLater = new Date(Number(headersOf(delivered)['webhook-timestamp']) * 1000 + 6 * 60_000);
    expect(await failure(verity.webhooks.verify(delivered.body, headersOf(delivered), secret, { now: sixMinutesLater }))).toBe('timestamp_too_old');
    const old = new Date(Date.now() - 6 * 60_000);
    const resigned = new Webhook(secret).sign(headersOf(delivered)['webhook-id']!, old, delivered.body);
    const oldHeaders = { ...headersOf(delivered), 'webhook-timestamp': String(Math.floor(old.getTime() / 1000)), 'webhook-signature': resigned };
    expect(await failure(verity.webhooks.verify(delivered.body, oldHeaders, secret))).toBe('timestamp_too_old');
    const moved = { ...headersOf(delivered), 'webhook-timestamp': String(Number(headersOf(delivered)['webhook-timestamp']) + 1) };
    expect(await failure(verity.webhooks.verify(delivered.body, moved, secret))).toBe('invalid_signature');
  });

  it('refuses another endpoint’s secret, and a request without the signature headers', async () => {
    const other = `whsec_${btoa('another endpoint secret 0123456')}`;
    expect(await failure(verity.webhooks.verify(delivered.body, headersOf(delivered), other))).toBe('invalid_signature');
    const { 'webhook-signature': _, ...unsigned } = headersOf(delivered);
    expect(await failure(verity.webhooks.verify(delivered.body, unsigned, secret))).toBe('missing_headers');
  });

  it('agrees with the Standard Webhooks reference library on what it accepts', async () => {
    const reference = new Webhook(secret).verify(delivered.body, headersOf(delivered));
    expect(await verity.webhooks.verify(delivered.body, headersOf(delivered), secret)).toEqual(reference);
  });
});
