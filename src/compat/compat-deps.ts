import type { Logger } from 'pino';
import type { AccountService } from '../accounts/account-service.js';
import type { Clock } from '../lib/clock.js';
import type { SoundService } from '../sounds/index.js';
import type { VerificationService } from '../verifications/verification-service.js';
import type { VendorCredentials } from './credentials/vendor-credentials.js';
import type { EventFanout } from '../events/event-fanout.js';

/** What a vendor's routes translate onto: Verity's own services, nothing of their own. */
export interface CompatDeps {
  credentials: VendorCredentials;
  verifications: VerificationService;
  accounts: Pick<AccountService, 'find'>;
  sounds: SoundService;
  events: Pick<EventFanout, 'subscribe'>;
  clock: Clock;
  log: Logger;
}
