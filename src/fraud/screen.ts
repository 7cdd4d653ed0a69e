import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { AppError } from '../errors/index.js';
import type { ScreenInput } from '../kernel/screen.js';
import type { GeoPermissions } from './geo-permissions.js';
import type { Judged, PumpingGuard } from './pumping/guard.js';
import type { SafeList } from './safe-list.js';

/**
 * What a start or a resend is asked before it writes anything: a destination on the account's
 * safe list passes; any other must be in a country its geo permissions allow on every channel
 * (else it is refused before anything is written), and is then judged by the pumping rules.
 */
export class FraudScreen {
  constructor(
    private readonly safe: SafeList,
    private readonly geo: GeoPermissions,
    private readonly pumping: PumpingGuard,
  ) {}

  async check(s: ScreenInput): Promise<Judged | undefined> {
    if (await this.safe.has(s.accountId, s.to)) return undefined;
    await this.geo.check(s.accountId, s.serviceId, s.channels, s.country);
    return this.pumping.judge(s);
  }

  refusal(judged: object, verificationId: string): AppError | undefined {
    return this.pumping.refusal(judged as Judged, verificationId);
  }

  written(trx: Transaction<Database>, judged: object, verificationId: string): Promise<void> | undefined {
    return this.pumping.written(trx, judged as Judged, verificationId);
  }

  summary(judged: object): object {
    return this.pumping.summary(judged as Judged);
  }
}
