import { type NumberPrefixes, prefixesOf } from './prefixes.js';
import { BoundedMap } from '../../lib/bounded-map.js';
import { AddressStats, PrefixStats } from './stats.js';
import { Decay } from './decay.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** How long after a send its code may still be on its way to being typed: it counts for conversion after this. */
export const GRACE_MS = 60_000;
/** Accounts one instance keeps statistics for; prefixes and addresses per account. */
export const ACCOUNTS_MAX = 10_000;
export const PREFIXES_MAX = 20_000;
/** Verifications remembered until their approval or GRACE_MS, whichever comes first, at most. */
export const PENDING_MAX = 100_000;
/** Number types no verification code should go to. */
const SUSPECT_TYPES = new Set(['PREMIUM_RATE', 'SHARED_COST', 'VOIP', 'PERSONAL_NUMBER', 'UAN', 'PAGER', 'TOLL_FREE', 'VOICEMAIL']);

export type SignalName = 'number_type' | 'sequential' | 'conversion' | 'volume' | 'new_country' | 'addresses' | 'price';

/** Each signal's weight: its points when it is at full strength. */
export const WEIGHTS: Record<SignalName, number> = { number_type: 40, sequential: 35, conversion: 30, volume: 25, new_country: 20, addresses: 15, price: 10 };

export interface Reason {
  signal: SignalName;
  /** 0 to 1. */
  strength: number;
  points: number;
  /** What was measured, in words (no full number, no address). */
  detail: string;
}

/**
 * What the engine counts, as instances share it: a start (`s`; `v` when its message went out),
 * or an approval (`a`). Prefixes, not numbers; `ip` and `to` are keyed hashes where they came
 * from the guard.
 */
export type Observation = { k: 's'; a: string; c: string; r: string; b: string; t: number; ip: string; to: string; p: number; at: number; v?: string } | { k: 'a'; v: string; at: number };

export interface PumpingInput {
  accountId: string;
  /** E.164. */
  to: string;
  /** What the destination is counted as among an address's destinations (a keyed hash of `to`); `to` itself if unset. */
  toKey?: string | undefined;
  country: string;
  /** The end user's address, or a keyed hash of it: only ever compared. */
  ip: string;
  /** The numbering plan's type of the number (libphonenumber's: MOBILE, PREMIUM_RATE, VOIP, …). */
  numberType?: string | undefined;
  priceMicros: number;
  now: number;
  /** Approvals the account had to this country before (the rollups' last 30 days). */
  countryApprovals: number;
}

export interface Assessment {
  score: number;
  reasons: Reason[];
  prefixes: NumberPrefixes;
  /** The narrowest prefix the signals point at: the block for a walk through it, else the range. */
  prefix: string;
  /** The statistics it read (country, range, block), which `record` adds the start to. */
  readonly stats: readonly PrefixStats[];
  readonly keys: readonly string[];
}

const clamp = (x: number) => Math.max(0, Math.min(1, x));
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

class AccountStats {
  readonly prefixes = new BoundedMap<PrefixStats>(PREFIXES_MAX);
  readonly addresses = new BoundedMap<AddressStats>(PREFIXES_MAX);
  readonly all = new PrefixStats();
  readonly price = new Decay(DAY);
  readonly priced = new Decay(DAY);
  /** Countries with an approval since this instance started. */
  readonly converted = new Set<string>();
}

/**
 * The pumping rules: what an account's recent starts say about one more. Each signal is measured
 * against the account's own history, so a new account is judged by how its first minutes look: a
 * burst into a country it never converted in, with no codes typed, is the pattern; users from a
 * new country who type their codes are not. The state is this instance's; `score` is 0 to 100.
 */
export class PumpingEngine {
  private readonly accounts = new BoundedMap<AccountStats>(ACCOUNTS_MAX);
  /** Sends waiting for their grace to end, oldest first, and the verifications they belong to. */
  private maturing: Array<{ at: number; id: string }> = [];
  private head = 0;
  private share: ((o: Observation) => void) | undefined;
  private readonly pending = new BoundedMap<{ accountId: string; keys: string[]; country: string; ip: string; tail: number; matured: boolean }>(PENDING_MAX);

  assess(input: PumpingInput): Assessment {
    const { now } = input;
    this.mature(now);
    const a = this.accounts.getOr(input.accountId, () => new AccountStats());
    const p = prefixesOf(input.to, input.country);
    const keys = [`c:${p.country}`, `r:${p.range}`, `b:${p.block}`];
    const [country, range, block] = keys.map((k) => a.prefixes.getOr(k, () => new PrefixStats())) as [PrefixStats, PrefixStats, PrefixStats];
    const reasons: Reason[] = [];
    // The words are put together only for the signals that count.
    const add = (signal: SignalName, strength: number, detail: () => string) => {
      if (strength > 0) reasons.push({ signal, strength: round(strength), points: round(WEIGHTS[signal] * strength, 1), detail: detail() });
    };

    const type = input.numberType;
    if (type && SUSPECT_TYPES.has(type)) add('number_type', 1, () => `the number is ${type.toLowerCase().replaceAll('_', ' ')}`);

    const near = block.near(p.tail, 20, now);
    add('sequential', clamp(near / 3), () => `${near} other recent destination(s) within 20 of this one in its block of a thousand`);

    // Conversion: approvals over sends whose code had time to be typed, against the account's own
    // rate, with a prior worth five sends so a few samples do not swing it.
    const base = (a.all.approved.value(now) + 2 * 0.7) / (a.all.sent.value(now) + 2);
    const conversion = (s: PrefixStats) => {
      const sent = s.sent.value(now);
      const approved = s.approved.value(now);
      return { sent, rate: (approved + 5 * base) / (Math.max(sent, approved) + 5) };
    };
    const cr = [conversion(range), conversion(country)].reduce((x, y) => (y.rate < x.rate ? y : x));
    add('conversion', clamp((base / 2 - cr.rate) / (base / 2)), () => `${round(cr.rate * 100, 0)}% of ${round(cr.sent, 0)} recent sends approved, against ${round(base * 100, 0)}% for the account`);

    // Volume: the last minutes against the last hours, at the country and at the range.
    const burst = (s: PrefixStats) => (s.fast.value(now) < 5 ? 0 : s.fast.perMinute(now) / Math.max(s.slow.perMinute(now), 0.5));
    const ratio = Math.max(burst(country), burst(range));
    add('volume', clamp((ratio - 3) / 7), () => `${round(ratio, 1)}× the prefix's usual rate`);

    if (input.countryApprovals === 0 && !a.converted.has(p.country)) add('new_country', 1, () => `no approval to ${p.country} in the account's last 30 days`);

    // Many addresses into one range that nobody converts in, or many destinations from one address.
    const addresses = range.addresses(now);
    const spread = range.approved.value(now) < 0.5 ? clamp((addresses - 4) / 10) : 0;
    // An address whose users type their codes (an app's own server, an office) asks for many.
    const from = a.addresses.get(input.ip);
    const fanout = from && from.approved.value(now) < 0.5 ? clamp((from.count(now) - 3) / 7) : 0;
    add('addresses', Math.max(spread, fanout), () => `${addresses} addresses into the range lately; this one asked for ${from?.count(now) ?? 0} destinations`);

    const reference = a.priced.value(now) >= 3 ? a.price.value(now) / a.priced.value(now) : 0;
    if (reference > 0 && input.priceMicros > 0) add('price', clamp((input.priceMicros / reference - 2) / 4), () => `${round(input.priceMicros / reference, 1)}× the account's usual price`);

    const score = Math.min(100, Math.round(reasons.reduce((s, r) => s + r.points, 0)));
    return { score, reasons: reasons.sort((x, y) => y.points - x.points), prefixes: p, prefix: near >= 2 ? p.block : p.range, stats: [country, range, block], keys };
  }

  /** Counts a start that was assessed (refused ones too: an attack stays visible); `sent`: its message went out, under `verificationId`. */
  record(input: PumpingInput, assessed: Assessment, sent: { verificationId: string } | undefined): void {
    const p = assessed.prefixes;
    const o: Observation = { k: 's', a: input.accountId, c: p.country, r: p.range, b: p.block, t: p.tail, ip: input.ip, to: input.toKey ?? input.to, p: input.priceMicros, at: input.now };
    if (sent) o.v = sent.verificationId;
    this.apply(o, assessed.stats);
    this.share?.(o);
  }

  /** A verification whose code was typed: its prefixes convert. */
  approved(verificationId: string, now: number): void {
    const o: Observation = { k: 'a', v: verificationId, at: now };
    this.apply(o);
    this.share?.(o);
  }

  /** Hears what this instance observes, for the others (see exchange.ts). */
  onObservation(share: (o: Observation) => void): void {
    this.share = share;
  }

  /** Counts an observation: this instance's own, or one another instance shared. */
  apply(o: Observation, stats?: readonly PrefixStats[]): void {
    if (o.k === 'a') {
      this.approve(o.v, o.at);
      return;
    }
    const a = this.accounts.getOr(o.a, () => new AccountStats());
    const keys = [`c:${o.c}`, `r:${o.r}`, `b:${o.b}`];
    for (const s of stats ?? keys.map((k) => a.prefixes.getOr(k, () => new PrefixStats()))) s.start(o.t, o.ip, o.at);
    a.all.start(o.t, o.ip, o.at);
    a.addresses.getOr(o.ip, () => new AddressStats()).start(o.to, o.at);
    if (o.v === undefined) return;
    if (o.p > 0) {
      a.price.add(o.p, o.at);
      a.priced.add(1, o.at);
    }
    this.pending.getOr(o.v, () => ({ accountId: o.a, keys, country: o.c, ip: o.ip, tail: o.t, matured: false }));
    this.maturing.push({ at: o.at, id: o.v });
    // Past the bound the oldest are dropped (their sends never count for conversion).
    if (this.maturing.length - this.head > PENDING_MAX) this.head += 1;
  }

  private approve(verificationId: string, now: number): void {
    const v = this.pending.get(verificationId);
    if (!v) return;
    const a = this.accounts.getOr(v.accountId, () => new AccountStats());
    // An approval inside the grace counts its send at once, so the rate stays at most one.
    if (!v.matured) this.count(v, now);
    for (const k of v.keys) {
      const stats = a.prefixes.getOr(k, () => new PrefixStats());
      stats.approved.add(1, now);
      stats.approvedTail(v.tail);
    }
    a.all.approved.add(1, now);
    a.addresses.get(v.ip)?.approved.add(1, now);
    a.converted.add(v.country);
  }

  private mature(now: number): void {
    while (this.head < this.maturing.length && (this.maturing[this.head] as { at: number }).at <= now - GRACE_MS) {
      const m = this.maturing[this.head] as { at: number; id: string };
      this.head += 1;
      const v = this.pending.get(m.id);
      if (v && !v.matured) this.count(v, now);
    }
    // The consumed front is cut away now and then, not one entry at a time.
    if (this.head > 1024 && this.head * 2 > this.maturing.length) {
      this.maturing = this.maturing.slice(this.head);
      this.head = 0;
    }
  }

  private count(v: { accountId: string; keys: string[]; matured: boolean }, now: number): void {
    v.matured = true;
    const a = this.accounts.getOr(v.accountId, () => new AccountStats());
    for (const k of v.keys) a.prefixes.getOr(k, () => new PrefixStats()).sent.add(1, now);
    a.all.sent.add(1, now);
  }
}
