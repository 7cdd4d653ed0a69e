import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { InboxStore } from './inbox-store.js';
import type { PhoneStore } from './phone-store.js';

/**
 * What the sandbox keeps about verifications (the inbox's messages, the virtual phones' calls),
 * let go of with them under RETENTION_DAYS and PII_RETENTION_DAYS.
 */
export class SandboxRecords {
  constructor(
    private readonly inbox: InboxStore,
    private readonly phones: PhoneStore,
  ) {}

  async forget(trx: Transaction<Database>, verificationIds: readonly string[]): Promise<void> {
    await this.inbox.forget(trx, verificationIds);
    await this.phones.forget(trx, verificationIds);
  }

  async pseudonymize(trx: Transaction<Database>, verificationId: string, pseudonym: string): Promise<void> {
    await this.inbox.pseudonymize(trx, verificationId, pseudonym);
    await this.phones.pseudonymize(trx, verificationId, pseudonym);
  }
}
