import type { Transaction } from 'kysely';
import type { DatabaseHandle } from '../db/database.js';
import { claimDue, nextDue } from '../db/due-queue.js';
import type { Database, WebhookDeliveryTable, WebhookEndpointTable } from '../db/schema.js';

export type EndpointRow = WebhookEndpointTable;
export type DeliveryRow = WebhookDeliveryTable;

/** SQL of webhook endpoints and their deliveries; every query is scoped by account where a caller reads. */
export class WebhookStore {
  constructor(private readonly handle: DatabaseHandle) {}

  async insertEndpoint(row: EndpointRow): Promise<void> {
    await this.handle.write((trx) => trx.insertInto('webhook_endpoints').values(row).execute());
  }

  async endpoints(accountId: string): Promise<EndpointRow[]> {
    return this.handle.db.selectFrom('webhook_endpoints').selectAll().where('account_id', '=', accountId).orderBy('created_at').execute();
  }

  async endpoint(accountId: string, id: string): Promise<EndpointRow | undefined> {
    return this.handle.db.selectFrom('webhook_endpoints').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  }

  async endpointById(id: string): Promise<EndpointRow | undefined> {
    return this.handle.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async deleteEndpoint(accountId: string, id: string): Promise<boolean> {
    const res = await this.handle.write((trx) => trx.deleteFrom('webhook_endpoints').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst());
    return Number(res.numDeletedRows) === 1;
  }

  async enqueue(rows: DeliveryRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.handle.write((trx) => trx.insertInto('webhook_deliveries').values(rows).execute());
  }

  async deliveries(endpointId: string, limit: number): Promise<DeliveryRow[]> {
    return this.handle.db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  }

  async delivery(endpointId: string, id: string): Promise<DeliveryRow | undefined> {
    return this.handle.db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId).where('id', '=', id).executeTakeFirst();
  }

  /** Claims due deliveries for `leaseMs`, as messages are claimed (see claimDue). */
  claim(now: number, leaseMs: number, limit: number): Promise<DeliveryRow[]> {
    return claimDue(this.handle, 'webhook_deliveries', now, leaseMs, limit);
  }

  nextDue(): Promise<number | undefined> {
    return nextDue(this.handle, 'webhook_deliveries');
  }

  /** Records one attempt's result: succeeded, failed for good, or queued again until `retryAt`. */
  async settle(
    id: string,
    result: { status: 'succeeded' | 'failed' | 'queued'; responseStatus: number | null; error: string | null; retryAt?: number },
    now: number,
    also?: (trx: Transaction<Database>) => Promise<void>,
  ): Promise<void> {
    await this.handle.write(async (trx) => {
      const res = await trx
        .updateTable('webhook_deliveries')
        .set({ status: result.status, response_status: result.responseStatus, error: result.error, next_attempt_at: result.retryAt ?? null, updated_at: now })
        .where('id', '=', id)
        .where('status', '=', 'sending')
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) > 0) await also?.(trx);
    });
  }
}
