import { Decay } from './decay.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** How long a destination or an address stays in a prefix's recent lists. */
export const RECENT_MS = 15 * MINUTE;
const RECENT_TAILS = 16;
const RECENT_IPS = 64;

/** What one prefix (a country or a range) of one account has seen lately. */
export class PrefixStats {
  /** Starts, over about the last minute and the last hours. */
  readonly fast = new Decay(MINUTE);
  readonly slow = new Decay(6 * HOUR);
  /** Sends old enough that their code could have been typed, and approvals, over about the last hour. */
  readonly sent = new Decay(HOUR);
  readonly approved = new Decay(HOUR);
  /** Addresses that started into this prefix, with when last. */
  private readonly ips = new Map<string, number>();

  start(ip: string, now: number): void {
    this.fast.add(1, now);
    this.slow.add(1, now);
    this.ips.delete(ip);
    this.ips.set(ip, now);
    // Oldest first: past the bound, or past the window, they go.
    for (const [k, at] of this.ips) {
      if (this.ips.size <= RECENT_IPS && at >= now - RECENT_MS) break;
      this.ips.delete(k);
    }
  }

  /** Distinct addresses that started into this prefix lately. */
  addresses(now: number): number {
    let n = 0;
    for (const at of this.ips.values()) if (at >= now - RECENT_MS) n += 1;
    return n;
  }
}

/** The last destinations into one block of a thousand numbers: all the sequential signal needs. */
export class BlockStats {
  /**
   * Flat, oldest first: each destination's last six digits (negative once its code was typed) and
   * when; one array of numbers, as blocks are many.
   */
  private readonly recent: number[] = [];

  start(tail: number, now: number): void {
    this.recent.push(tail, now);
    if (this.recent.length > 2 * RECENT_TAILS) this.recent.splice(0, 2);
  }

  /** Recent other destinations within `distance` of `tail` whose code nobody typed (a walk through a block). */
  near(tail: number, distance: number, now: number): number {
    let n = 0;
    for (let i = 0; i < this.recent.length; i += 2) {
      const t = this.recent[i] as number;
      if (t >= 0 && (this.recent[i + 1] as number) >= now - RECENT_MS && t !== tail && Math.abs(t - tail) <= distance) n += 1;
    }
    return n;
  }

  /** A destination's code was typed: it is no step of a walk. */
  approvedTail(tail: number): void {
    // -1 - tail: below zero even for tail 0.
    for (let i = 0; i < this.recent.length; i += 2) if (this.recent[i] === tail) this.recent[i] = -1 - tail;
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
