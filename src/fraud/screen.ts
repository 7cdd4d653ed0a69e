import type { GeoPermissions } from './geo-permissions.js';
import type { SafeList } from './safe-list.js';

/**
 * What a start or a resend is asked before it writes anything: a destination on the account's
 * safe list passes; any other must be in a country its geo permissions allow on every channel.
 */
export class FraudScreen {
  constructor(
    private readonly safe: SafeList,
    private readonly geo: GeoPermissions,
  ) {}

  async check(accountId: string, serviceId: string | null, channels: readonly string[], country: string, to: string): Promise<void> {
    if (await this.safe.has(accountId, to)) return;
    await this.geo.check(accountId, serviceId, channels, country);
  }
}
