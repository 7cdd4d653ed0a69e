import { expect, it } from 'vitest';
import { describeOnBackends, startTestApp } from '../helpers/test-app.js';

/** The app is an ordered list of named plugins; Fastify closes them in reverse. */
describeOnBackends('the app as named plugins', (backend) => {
  it('registers one named plugin per capability, after the infrastructure they depend on', async () => {
    const t = await startTestApp(backend);
    try {
      const names = ['infrastructure', 'accounts', 'services', 'templates', 'sandbox', 'providers', 'webhooks', 'events', 'analytics', 'numbers', 'sounds', 'silent'];
      names.push('idempotency', 'outbox', 'verifications', 'delivery', 'calls', 'virtual-phone', 'compat');
      for (const name of names) expect(t.app.hasPlugin(name), name).toBe(true);
    } finally {
      await t.close();
    }
  });

  it('stops the delivery worker and the webhook sender before it closes the database', async () => {
    const t = await startTestApp(backend, { env: { DELIVERY_WORKER: 'true' } });
    const order: string[] = [];
    const { worker, webhookSender, database } = t.verity;
    // Records the order of the real teardown calls; each one still does its work.
    const record = <T extends object>(target: T, method: keyof T & string, label: string): void => {
      const original = (target[method] as (...a: unknown[]) => Promise<unknown>).bind(target);
      Object.assign(target, { [method]: async (...a: unknown[]) => (order.push(label), original(...a)) });
    };
    record(worker, 'stop', 'worker');
    record(webhookSender, 'stop', 'webhook sender');
    record(database, 'close', 'database');
    await t.close();
    expect(order).toEqual(['worker', 'webhook sender', 'database']);
  });
});
