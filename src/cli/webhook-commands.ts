import { Webhook } from 'standardwebhooks';
import { request } from 'undici';
import { newId } from '../lib/ids.js';
import { guardedAgent, isBlockedAddress } from '../outbound/outbound-guard.js';
import { actingAccount, withApp } from './app-context.js';
import { ACCOUNT_OPTION, CliFailure, fields, JSON_OPTION, json, type Command } from './command.js';

/** How much of the endpoint's answer is shown: enough to read an error page's first lines. */
const BODY_SHOWN = 2048;

interface TestOutcome {
  endpoint_id: string;
  url: string;
  event_id: string;
  status: number | null;
  body: string | null;
  error: string | null;
}

export const webhookCommands: Command[] = [
  {
    name: 'webhooks test',
    summary: 'send a signed webhook.test event to an endpoint now and print its answer (2xx: exit 0, anything else: exit 1)',
    args: '<endpoint-id>',
    arity: [1, 1],
    options: { ...ACCOUNT_OPTION, ...JSON_OPTION },
    example: 'verity webhooks test whk_01hx…',
    configured: true,
    run: ({ config, values, positionals, out }) =>
      withApp(config, async (app) => {
        const account = await actingAccount(app, values);
        const endpoint = await app.verity.webhooks.get(account.id, positionals[0] as string);
        const now = app.verity.clock.now();
        const eventId = newId('evt');
        const payload = JSON.stringify({ type: 'webhook.test', timestamp: new Date(now).toISOString(), data: { endpoint_id: endpoint.id, account_id: account.id } });
        // Signed and sent as the webhook sender sends a delivery: Standard Webhooks headers, the
        // endpoint's own secret, the same outbound guard and timeout.
        const secret = app.core.sealer.open(endpoint.secret_sealed, endpoint.id);
        const headers = {
          'content-type': 'application/json',
          'user-agent': 'Verity-Webhooks',
          'webhook-id': eventId,
          'webhook-timestamp': String(Math.floor(now / 1000)),
          'webhook-signature': new Webhook(secret).sign(eventId, new Date(now), payload),
        };
        const timeoutMs = config.webhooks.timeoutMs;
        const agent = guardedAgent(config.outbound.allowPrivate, timeoutMs);
        const outcome: TestOutcome = { endpoint_id: endpoint.id, url: endpoint.url, event_id: eventId, status: null, body: null, error: null };
        try {
          const res = await request(endpoint.url, { method: 'POST', dispatcher: agent, headers, body: payload, signal: AbortSignal.timeout(timeoutMs) });
          outcome.status = res.statusCode;
          outcome.body = (await res.body.text()).slice(0, BODY_SHOWN);
        } catch (err) {
          outcome.error = isBlockedAddress(err)
            ? 'ADDRESS_NOT_ALLOWED: the URL resolves to a private or loopback address (OUTBOUND_ALLOW_PRIVATE=true allows it)'
            : (err as Error).name === 'TimeoutError'
              ? `TIMEOUT: no answer within ${timeoutMs} ms`
              : `CONNECTION_FAILED: ${(err as { cause?: Error }).cause?.message ?? (err as Error).message}`;
        } finally {
          await agent.close();
        }
        out(
          values.json
            ? json(outcome)
            : fields([
                ['endpoint', `${endpoint.id} ${endpoint.url}`],
                ['event id', eventId],
                ['status', outcome.status ?? outcome.error],
                ...(outcome.body ? ([['answer', outcome.body]] as Array<[string, string]>) : []),
              ]),
        );
        if (outcome.error) throw new CliFailure(`the endpoint was not reached: ${outcome.error}`);
        return outcome.status !== null && outcome.status >= 200 && outcome.status < 300 ? 0 : 1;
      }),
  },
];
