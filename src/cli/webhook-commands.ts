import { actingAccount, withApp } from './app-context.js';
import { ACCOUNT_OPTION, fields, JSON_OPTION, json, type Command } from './command.js';

/** What the first attempt of a delivery left it as, in words. */
function outcomeOf(status: string, retryAt: number | null): string {
  if (status === 'succeeded') return 'succeeded';
  if (status === 'failed') return 'failed for good';
  return retryAt === null ? 'queued' : `will be retried at ${new Date(retryAt).toISOString()} by a running server`;
}

export const webhookCommands: Command[] = [
  {
    name: 'webhooks test',
    summary: 'send a signed webhook.test event to an endpoint now, as any delivery is sent, and print how it went (2xx: exit 0, anything else: exit 1)',
    args: '<endpoint-id>',
    arity: [1, 1],
    options: { ...ACCOUNT_OPTION, ...JSON_OPTION },
    example: 'verity webhooks test whk_01hx…',
    configured: true,
    run: ({ config, values, positionals, out }) =>
      withApp(config, async (app) => {
        const account = await actingAccount(app, values);
        const endpoint = await app.verity.webhooks.get(account.id, positionals[0] as string);
        // Through the webhook sender: the endpoint's secret, the outbound guard, the timeout, the
        // retries, and a line in the endpoint's delivery log (GET /v1/webhooks/{id}/deliveries).
        const d = await app.verity.webhooks.test(account.id, endpoint.id);
        const outcome = {
          endpoint_id: endpoint.id,
          url: endpoint.url,
          delivery_id: d.id,
          event_id: d.event_id,
          status: d.response_status,
          outcome: d.status === 'queued' ? 'retrying' : d.status,
          error: d.error,
        };
        out(
          values.json
            ? json(outcome)
            : fields([
                ['endpoint', `${endpoint.id} ${endpoint.url}`],
                ['delivery', d.id],
                ['event id', d.event_id],
                ['status', d.response_status ?? d.error ?? ''],
                ['outcome', outcomeOf(d.status, d.next_attempt_at)],
              ]),
        );
        return d.status === 'succeeded' ? 0 : 1;
      }),
  },
];
