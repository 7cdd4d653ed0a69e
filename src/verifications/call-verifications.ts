import type { CallVerification, CallVerifications } from '../calls/call-service.js';
import { parseChannelData } from './channel-data.js';
import type { VerificationService } from './verification-service.js';
import type { VerificationStore } from './verification-store.js';

/** The verifications as the call channels see them (see CallVerifications). */
export function callVerifications(service: VerificationService, store: VerificationStore, brandOf: (accountId: string, serviceId: string | null) => Promise<string>): CallVerifications {
  return {
    inboundCall: (from, to, account) => service.inboundCall(from, to, account),
    approve: (id) => service.approve(id),
    fail: (id, reason) => service.fail(id, reason),
    async forCall(verificationId, step, now): Promise<CallVerification | undefined> {
      const row = await store.byId(verificationId);
      if (!row) return undefined;
      return {
        id: row.id,
        current: row.status === 'pending' && row.step === step && row.expires_at > now,
        locale: row.locale,
        brand: () => brandOf(row.account_id, row.service_id),
        ivr: parseChannelData(row.channel_data).ivr ?? {},
      };
    },
  };
}
