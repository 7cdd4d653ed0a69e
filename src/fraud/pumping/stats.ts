import { Decay } from './decay.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** How long a destination or an address stays in a prefix's recent lists. */
export const RECENT_MS = 15 * MINUTE;
const RECENT_TAILS = 16;
const RECENT_IPS = 64;

/** What one prefix (a country, a range or a block) of one account has seen lately. */
export class PrefixStats {
  /** Starts, over about the last minute and the last hours. */
  readonly fast = new Decay(MINUTE);
  readonly slow = new Decay(6 * HOUR);
  /** Sends old enough that their code could have been typed, and approvals, over about the last hour. */
  readonly sent = new Decay(HOUR);
  readonly approved = new Decay(HOUR);
  /** The last destinations (their last six digits) and when. */
  private readonly tails: Array<{ tail: number; at: number; approved: boolean }> = [];
  /** Addresses that started into this prefix, with when last. */
  private readonly ips = new Map<string, number>();

  start(tail: number, ip: string, now: number): void {
    this.fast.add(1, now);
    this.slow.add(1, now);
    this.tails.push({ tail, at: now, approved: false });
    if (this.tails.length > RECENT_TAILS) this.tails.shift();
    this.ips.delete(ip);
    this.ips.set(ip, now);
    // Oldest first: past the bound, or past the window, they go.
    for (const [k, at] of this.ips) {
      if (this.ips.size <= RECENT_IPS && at >= now - RECENT_MS) break;
      this.ips.delete(k);
    }
  }

  /** Recent other destinations within `distance` of `tail` whose code nobody typed (a walk through a block). */
  near(tail: number, distance: number, now: number): number {
    let n = 0;
    for (const t of this.tails) if (!t.approved && t.at >= now - RECENT_MS && t.tail !== tail && Math.abs(t.tail - tail) <= distance) n += 1;
    return n;
  }

  /** A destination's code was typed: it is no step of a walk. */
  approvedTail(tail: number): void {
    for (const t of this.tails) if (t.tail === tail) t.approved = true;
  }

  /** Distinct addresses that started into this prefix lately. */
  addresses(now: number): number {
    let n = 0;
    for (const at of this.ips.values()) if (at >= now - RECENT_MS) n += 1;
    return n;
  }
}

/** The destinations one address asked for lately, and whether any of its codes were typed. */
export class AddressStats {
  private readonly destinations = new Map<string, number>();
  readonly approved = new Decay(HOUR);

  start(to: string, now: number): void {
    this.destinations.delete(to);
    this.destinations.set(to, now);
    for (const [k, at] of this.destinations) {
      if (this.destinations.size <= RECENT_TAILS && at >= now - RECENT_MS) break;
      this.destinations.delete(k);
    }
  }

  count(now: number): number {
    let n = 0;
    for (const at of this.destinations.values()) if (at >= now - RECENT_MS) n += 1;
    return n;
  }
}
