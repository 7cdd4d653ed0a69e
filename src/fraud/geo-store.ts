import type { DatabaseHandle } from '../db/database.js';
import type { GeoAction, GeoRule } from './geo.js';

/** SQL of the geo permissions: an account's rules, and replacing one scope's. */
export class GeoStore {
  constructor(private readonly handle: DatabaseHandle) {}

  async rules(accountId: string): Promise<GeoRule[]> {
    const rows = await this.handle.db
      .selectFrom('geo_rules')
      .select(['service_id', 'channel', 'country', 'action'])
      .where('account_id', '=', accountId)
      .orderBy('service_id')
      .orderBy('channel')
      .orderBy('country')
      .execute();
    return rows.map((r) => ({ serviceId: r.service_id, channel: r.channel, country: r.country, action: r.action as GeoAction }));
  }

  /** The scope's rules become `countries` (country or '*' → action), all at once. */
  async replace(accountId: string, serviceId: string, channel: string, countries: ReadonlyArray<[string, GeoAction]>, now: number): Promise<void> {
    await this.handle.write(async (trx) => {
      await trx.deleteFrom('geo_rules').where('account_id', '=', accountId).where('service_id', '=', serviceId).where('channel', '=', channel).execute();
      if (countries.length > 0)
        await trx
          .insertInto('geo_rules')
          .values(countries.map(([country, action]) => ({ account_id: accountId, service_id: serviceId, channel, country, action, updated_at: now })))
          .execute();
    });
  }
}
