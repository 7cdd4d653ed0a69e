import type { Logger } from 'pino';
import type { AccountService } from '../../accounts/account-service.js';
import type { Clock } from '../../lib/clock.js';
import type { OperatorStore, SessionEvent } from '../operator-store.js';
import { RadiusAccountingListener, type AccountingRecord } from './index.js';

export interface RadiusFeedSettings {
  port: number;
  host: string;
  secret: string;
  account: string | undefined;
}

/** The address a session is looked up by: its IPv4, else its IPv6 address (a delegated prefix's network). */
function sessionIp(r: AccountingRecord): string | undefined {
  return r.framedIp ?? r.framedIpv6?.split('/')[0];
}

/**
 * Feeds RADIUS accounting into the operator's data sessions. The listener answers a NAS only
 * after the batch holding its packet is committed (RFC 2866), so a crash loses nothing the NAS
 * believes was recorded.
 */
export async function startRadiusFeed(s: RadiusFeedSettings, store: OperatorStore, accounts: Pick<AccountService, 'first'>, clock: Clock, log: Logger): Promise<RadiusAccountingListener> {
  let accountId = s.account;
  const listener = new RadiusAccountingListener({
    host: s.host,
    port: s.port,
    secret: s.secret,
    logger: log.child({ component: 'radius' }),
    clock,
    onRecords: async (records) => {
      accountId ??= (await accounts.first())?.id;
      if (!accountId) throw new Error('no account to record RADIUS sessions for');
      const events: SessionEvent[] = [];
      for (const r of records) {
        const ip = sessionIp(r);
        if (ip) events.push({ status: r.status, sessionId: r.sessionId, msisdn: r.msisdn, ip, at: r.eventTime });
      }
      await store.recordSessions(accountId, events);
    },
  });
  await listener.start();
  return listener;
}
