import type { Clock } from '../lib/clock.js';
import { canonicalIp, contains, parseBlocks, type Block } from './ip.js';
import type { OperatorStore } from './operator-store.js';

/**
 * The four answers, with the meanings of Claro SMV's 200 / 202 / 404 / 418: the number held the
 * address then and its session is still up; it held it but the session has ended; it did not
 * hold it; the address is not one of the operator's.
 */
export type SilentOutcome = 'verified_online' | 'verified_offline' | 'no_match' | 'outside_ranges';

/** Each outcome as the Claro SMV status that carries it: on the network now; known but disconnected; nothing matches; the IP is not the operator's. */
export const OUTCOME_STATUS: Readonly<Record<SilentOutcome, number>> = { verified_online: 200, verified_offline: 202, no_match: 404, outside_ranges: 418 };

export interface SilentQuery {
  msisdn: string;
  ip: string;
  port?: number | undefined;
  /** When the device had that address (ms); default now. */
  at?: number | undefined;
  /** Only this operator's data (the API caller's); default: the operator whose ranges hold the IP. */
  accountId?: string | undefined;
  /** How far either side of `at` a session may start or end; default the engine's setting. */
  toleranceMs?: number | undefined;
  /** Also the simulated operator of this account's virtual phones (the sandbox); other accounts' never. */
  sandboxOf?: string | undefined;
}

/** The operator-account key under which an account's virtual phones keep their simulated sessions. */
export function simulatedOperator(accountId: string): string {
  return `sandbox:${accountId}`;
}

export interface SilentAnswer {
  outcome: SilentOutcome;
}

const RANGES_CACHE_MS = 10_000;

/**
 * Answers "did MSISDN M hold public ip:port at time t", within a tolerance either side of t. With
 * a port, the CGNAT port blocks of that public IP and time give the private addresses to look for;
 * the public address itself is looked for too, for subscribers without CGNAT.
 */
export class SilentEngine {
  private ranges: { at: number; byAccount: Map<string, Block[]> } | undefined;
  /** The read under way, shared by every lookup that finds the ranges stale meanwhile. */
  private loading: Promise<Map<string, Block[]>> | undefined;

  constructor(
    private readonly store: OperatorStore,
    private readonly clock: Clock,
    private readonly toleranceMs: number,
  ) {}

  /** Ranges changed on this instance: read them again on the next lookup. */
  invalidate(): void {
    this.ranges = undefined;
    this.loading = undefined;
  }

  async lookup(q: SilentQuery): Promise<SilentAnswer> {
    const ip = canonicalIp(q.ip);
    if (!ip) return { outcome: 'outside_ranges' };
    const owners = await this.owners(ip, q.accountId, q.sandboxOf);
    if (owners.length === 0) return { outcome: 'outside_ranges' };
    const at = q.at ?? this.clock.now();
    const tolerance = q.toleranceMs ?? this.toleranceMs;
    const from = at - tolerance;
    const to = at + tolerance;
    for (const operator of owners) {
      const ips = q.port === undefined ? [ip] : [...(await this.store.privateIps(operator, ip, q.port, from, to)), ip];
      const sessions = await this.store.sessionsOn(operator, ips, from, to);
      const mine = sessions.filter((s) => s.msisdn === q.msisdn);
      if (mine.length > 0) return { outcome: mine.some((s) => s.ended_at === null) ? 'verified_online' : 'verified_offline' };
      if (q.accountId) return { outcome: 'no_match' };
    }
    return { outcome: 'no_match' };
  }

  /**
   * The number whose session holds `ip:port` now, for network-based authentication: only when
   * exactly one open session matches (an address shared or in doubt authenticates nobody).
   */
  async holderOf(ipText: string, port: number | undefined): Promise<string | undefined> {
    const ip = canonicalIp(ipText);
    if (!ip) return undefined;
    const at = this.clock.now();
    const holders = new Set<string>();
    for (const operator of await this.owners(ip, undefined)) {
      const ips = port === undefined ? [ip] : [...(await this.store.privateIps(operator, ip, port, at, at)), ip];
      for (const s of await this.store.sessionsOn(operator, ips, at, at)) if (s.ended_at === null) holders.add(s.msisdn);
    }
    return holders.size === 1 ? [...holders][0] : undefined;
  }

  private async owners(ip: string, only: string | undefined, sandboxOf?: string): Promise<string[]> {
    const out: string[] = [];
    for (const [account, blocks] of await this.rangesByAccount()) {
      const simulated = account.startsWith('sandbox:');
      if (simulated ? account !== (sandboxOf && simulatedOperator(sandboxOf)) : only !== undefined && only !== account) continue;
      if (contains(blocks, ip)) out.push(account);
    }
    return out;
  }

  private rangesByAccount(): Promise<Map<string, Block[]>> | Map<string, Block[]> {
    if (this.ranges && Date.now() - this.ranges.at <= RANGES_CACHE_MS) return this.ranges.byAccount;
    if (!this.loading) {
      // An invalidation while reading leaves this read out of the cache.
      const loading: Promise<Map<string, Block[]>> = this.loadRanges().then(
        (byAccount) => {
          if (this.loading === loading) [this.ranges, this.loading] = [{ at: Date.now(), byAccount }, undefined];
          return byAccount;
        },
        (err: unknown) => {
          if (this.loading === loading) this.loading = undefined;
          throw err;
        },
      );
      this.loading = loading;
    }
    return this.loading;
  }

  private async loadRanges(): Promise<Map<string, Block[]>> {
    const cidrs = new Map<string, string[]>();
    for (const r of await this.store.allRanges()) {
      const list = cidrs.get(r.account_id);
      if (list) list.push(r.cidr);
      else cidrs.set(r.account_id, [r.cidr]);
    }
    return new Map([...cidrs].map(([k, v]) => [k, parseBlocks(v)]));
  }
}
