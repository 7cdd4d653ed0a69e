import { Decay } from './decay.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** How long a destination or an address stays in a prefix's recent lists. */
export const RECENT_MS = 15 * MINUTE;
/** Destinations a range remembers, for the sequential signal; one address, for its fan-out. */
const RECENT_TAILS = 128;
const RECENT_DESTINATIONS = 16;
const RECENT_IPS = 64;

/** How long after a send its code may still be on its way to being typed, about: the half-life of a send's freshness. */
export const FRESH_MS = 30_000;

/**
 * Sends and approvals over about the last hour. A send counts for conversion once its code had
 * time to be typed: the sends of the last half minute or so (a count with a short half-life) are
 * taken off the hour's, so a fresh burst whose codes are still on their way is not yet unconverted.
 * No send is remembered one by one.
 */
export class Sends {
  private readonly sent = new Decay(HOUR);
  private readonly fresh = new Decay(FRESH_MS);
  readonly approved = new Decay(HOUR);

  send(now: number): void {
    this.sent.add(1, now);
    this.fresh.add(1, now);
  }

  approve(now: number): void {
    this.approved.add(1, now);
  }

  /** Sends whose code had time to be typed, about. */
  matured(now: number): number {
    return Math.max(0, this.sent.value(now) - this.fresh.value(now));
  }
}

/** What one prefix (a country or a range) of one account has seen lately. */
export class PrefixStats {
  /** Starts, over about the last minute and the last hours. */
  readonly fast = new Decay(MINUTE);
  readonly slow = new Decay(6 * HOUR);
  /** Its sends and their approvals. */
  readonly sends = new Sends();
  /** Addresses that started into this prefix, with when last. */
  private readonly ips = new Map<string, number>();
  /**
   * A range's last RECENT_TAILS destinations, a ring of (last six digits, when): what the
   * sequential signal reads, per block of a thousand. The last six digits are negative (-1 - tail)
   * once the code was typed. Made at the first start that records one.
   */
  private tails: Float64Array | undefined;
  private next = 0;

  start(ip: string, now: number, tail?: number): void {
    this.fast.add(1, now);
    this.slow.add(1, now);
    if (tail !== undefined) {
      this.tails ??= new Float64Array(2 * RECENT_TAILS).fill(Number.NaN);
      this.tails[this.next] = tail;
      this.tails[this.next + 1] = now;
      this.next = (this.next + 2) % this.tails.length;
    }
    this.ips.delete(ip);
    this.ips.set(ip, now);
    // Oldest first: past the bound, or past the window, they go.
    for (const [k, at] of this.ips) {
      if (this.ips.size <= RECENT_IPS && at >= now - RECENT_MS) break;
      this.ips.delete(k);
    }
  }

  /** Recent other destinations in `tail`'s block within `distance` of it whose code nobody typed (a walk through a block). */
  near(tail: number, distance: number, now: number): number {
    const tails = this.tails;
    if (!tails) return 0;
    // Within `distance` and inside the same block of a thousand: one interval.
    const block = Math.floor(tail / 1000) * 1000;
    const lo = Math.max(block, tail - distance);
    const hi = Math.min(block + 999, tail + distance);
    const since = now - RECENT_MS;
    let n = 0;
    for (let i = 0; i < tails.length; i += 2) {
      const t = tails[i] as number;
      // NaN (an empty slot) and typed ones (negative) fall outside any interval.
      if (t >= lo && t <= hi && t !== tail && (tails[i + 1] as number) >= since) n += 1;
    }
    return n;
  }

  /** A destination's code was typed: it is no step of a walk. */
  approvedTail(tail: number): void {
    const tails = this.tails;
    if (tails) for (let i = 0; i < tails.length; i += 2) if (tails[i] === tail) tails[i] = -1 - tail;
  }

  /** Distinct addresses that started into this prefix lately. */
  addresses(now: number): number {
    let n = 0;
    for (const at of this.ips.values()) if (at >= now - RECENT_MS) n += 1;
    return n;
  }
}

/** The destinations one address asked for lately. */
export class AddressStats {
  private readonly destinations = new Map<string, number>();

  /** Whether a code to one of its recent destinations was typed: its users convert (an app's own server, an office). */
  converts(approved: { get(key: string): number | undefined }): boolean {
    for (const to of this.destinations.keys()) if (approved.get(to) !== undefined) return true;
    return false;
  }

  start(to: string, now: number): void {
    this.destinations.delete(to);
    this.destinations.set(to, now);
    for (const [k, at] of this.destinations) {
      if (this.destinations.size <= RECENT_DESTINATIONS && at >= now - RECENT_MS) break;
      this.destinations.delete(k);
    }
  }

  count(now: number): number {
    let n = 0;
    for (const at of this.destinations.values()) if (at >= now - RECENT_MS) n += 1;
    return n;
  }
}
