import type { ExpressionBuilder } from 'kysely';
import type { DatabaseHandle } from '../db/database.js';
import type { CgnatMappingTable, Database, OperatorSessionTable } from '../db/schema.js';
import { canonicalIp } from './ip.js';

/** One accounting event for a data session (from RADIUS or any other feed). */
export interface SessionEvent {
  status: 'start' | 'interim' | 'stop';
  sessionId: string;
  msisdn: string;
  ip: string;
  at: number;
}

export type CgnatMapping = Omit<CgnatMappingTable, 'account_id'>;

/** SQL of an operator's network data: ranges, data sessions and CGNAT port blocks. */
export class OperatorStore {
  constructor(private readonly handle: DatabaseHandle) {}

  session(accountId: string, sessionId: string): Promise<OperatorSessionTable | undefined> {
    return this.handle.db.selectFrom('operator_sessions').selectAll().where('account_id', '=', accountId).where('session_id', '=', sessionId).executeTakeFirst();
  }

  async ranges(accountId: string): Promise<string[]> {
    const rows = await this.handle.db.selectFrom('operator_ranges').select('cidr').where('account_id', '=', accountId).orderBy('cidr').execute();
    return rows.map((r) => r.cidr);
  }

  async allRanges(): Promise<Array<{ account_id: string; cidr: string }>> {
    return this.handle.db.selectFrom('operator_ranges').select(['account_id', 'cidr']).execute();
  }

  async setRanges(accountId: string, cidrs: string[], now: number): Promise<void> {
    await this.handle.write(async (trx) => {
      await trx.deleteFrom('operator_ranges').where('account_id', '=', accountId).execute();
      if (cidrs.length > 0)
        await trx
          .insertInto('operator_ranges')
          .values(cidrs.map((cidr) => ({ account_id: accountId, cidr, created_at: now })))
          .execute();
    });
  }

  /**
   * Applies accounting events in one transaction (addresses in canonical form, so lookups match). A Start opens (or reopens) the session, an
   * Interim keeps it open (and opens it if its Start was lost), a Stop closes it; events are
   * idempotent, so a retransmitted packet changes nothing.
   */
  async recordSessions(accountId: string, events: readonly SessionEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.handle.write(async (trx) => {
      for (const e of events) {
        const ended = e.status === 'stop' ? e.at : null;
        await trx
          .insertInto('operator_sessions')
          .values({ account_id: accountId, session_id: e.sessionId, msisdn: e.msisdn, ip: canonicalIp(e.ip) ?? e.ip, started_at: e.at, ended_at: ended, updated_at: e.at })
          .onConflict((oc) =>
            oc.columns(['account_id', 'session_id']).doUpdateSet((eb) => ({
              msisdn: eb.ref('excluded.msisdn'),
              ip: eb.ref('excluded.ip'),
              ended_at: eb.ref('excluded.ended_at'),
              updated_at: eb.ref('excluded.updated_at'),
            })),
          )
          .execute();
      }
    });
  }

  async ingestCgnat(accountId: string, mappings: readonly CgnatMapping[]): Promise<void> {
    if (mappings.length === 0) return;
    await this.handle.write(async (trx) => {
      for (let i = 0; i < mappings.length; i += 500) {
        await trx
          .insertInto('cgnat_mappings')
          .values(mappings.slice(i, i + 500).map((m) => ({ ...m, account_id: accountId })))
          .onConflict((oc) =>
            oc
              .columns(['account_id', 'public_ip', 'port_start', 'started_at'])
              .doUpdateSet((eb) => ({ port_end: eb.ref('excluded.port_end'), private_ip: eb.ref('excluded.private_ip'), ended_at: eb.ref('excluded.ended_at') })),
          )
          .execute();
      }
    });
  }

  /**
   * Gives `m.private_ip` the port block `m.port_start..m.port_end` of `m.public_ip` from `at` on, in
   * one transaction: a block belongs to one subscriber, so every open mapping overlapping it ends,
   * as does any other this private address still holds. Returns the other private addresses that
   * lost their block.
   */
  async claimPortBlock(accountId: string, m: Pick<CgnatMapping, 'private_ip' | 'public_ip' | 'port_start' | 'port_end'>, at: number): Promise<string[]> {
    return this.handle.write(async (trx) => {
      const overlapping = (eb: ExpressionBuilder<Database, 'cgnat_mappings'>) => eb.and([eb('public_ip', '=', m.public_ip), eb('port_start', '<=', m.port_end), eb('port_end', '>=', m.port_start)]);
      const displaced = await trx
        .selectFrom('cgnat_mappings')
        .select('private_ip')
        .where('account_id', '=', accountId)
        .where('ended_at', 'is', null)
        .where(overlapping)
        .where('private_ip', '!=', m.private_ip)
        .execute();
      await trx
        .updateTable('cgnat_mappings')
        .set({ ended_at: at })
        .where('account_id', '=', accountId)
        .where('ended_at', 'is', null)
        .where((eb) => eb.or([overlapping(eb), eb('private_ip', '=', m.private_ip)]))
        .execute();
      await trx
        .insertInto('cgnat_mappings')
        .values({ ...m, account_id: accountId, started_at: at, ended_at: null })
        .onConflict((oc) => oc.columns(['account_id', 'public_ip', 'port_start', 'started_at']).doUpdateSet({ port_end: m.port_end, private_ip: m.private_ip, ended_at: null }))
        .execute();
      return [...new Set(displaced.map((r) => r.private_ip))];
    });
  }

  /** Ends the port blocks `privateIp` holds (its session ended, or it now holds a public address). */
  async endPortBlocks(accountId: string, privateIp: string, at: number): Promise<void> {
    await this.handle.write(async (trx) => {
      await trx.updateTable('cgnat_mappings').set({ ended_at: at }).where('account_id', '=', accountId).where('private_ip', '=', privateIp).where('ended_at', 'is', null).execute();
    });
  }

  /** The port block `privateIp` holds now, if any. */
  openPortBlock(accountId: string, privateIp: string): Promise<CgnatMapping | undefined> {
    return this.handle.db
      .selectFrom('cgnat_mappings')
      .select(['public_ip', 'port_start', 'port_end', 'private_ip', 'started_at', 'ended_at'])
      .where('account_id', '=', accountId)
      .where('private_ip', '=', privateIp)
      .where('ended_at', 'is', null)
      .orderBy('started_at', 'desc')
      .executeTakeFirst();
  }

  /** Private IPs that were behind `publicIp:port` at some time in [from, to]. */
  async privateIps(accountId: string, publicIp: string, port: number, from: number, to: number): Promise<string[]> {
    const rows = await this.handle.db
      .selectFrom('cgnat_mappings')
      .select('private_ip')
      .where('account_id', '=', accountId)
      .where('public_ip', '=', publicIp)
      .where('port_start', '<=', port)
      .where('port_end', '>=', port)
      .where('started_at', '<=', to)
      .where((eb) => eb.or([eb('ended_at', 'is', null), eb('ended_at', '>=', from)]))
      .execute();
    return [...new Set(rows.map((r) => r.private_ip))];
  }

  /** Sessions that held one of `ips` at some time in [from, to]. */
  async sessionsOn(accountId: string, ips: readonly string[], from: number, to: number): Promise<OperatorSessionTable[]> {
    if (ips.length === 0) return [];
    return this.handle.db
      .selectFrom('operator_sessions')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('ip', 'in', ips)
      .where('started_at', '<=', to)
      .where((eb) => eb.or([eb('ended_at', 'is', null), eb('ended_at', '>=', from)]))
      .execute();
  }

  /** Forgets sessions and mappings that ended before `before`. */
  async purge(before: number): Promise<number> {
    return this.handle.write(async (trx) => {
      const a = await trx.deleteFrom('operator_sessions').where('ended_at', 'is not', null).where('ended_at', '<', before).executeTakeFirst();
      const b = await trx.deleteFrom('cgnat_mappings').where('ended_at', 'is not', null).where('ended_at', '<', before).executeTakeFirst();
      return Number(a.numDeletedRows) + Number(b.numDeletedRows);
    });
  }
}
