import { type NumberPrefixes, prefixesOf } from './prefixes.js';
import { BoundedMap } from '../../lib/bounded-map.js';
import { AddressStats, BlockStats, PrefixStats } from './stats.js';
import { Decay } from './decay.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** How long after a send its code may still be on its way to being typed: it counts for conversion after this. */
export const GRACE_MS = 60_000;
/** Accounts one instance keeps statistics for; prefixes and addresses per account. */
export const ACCOUNTS_MAX = 10_000;
export const PREFIXES_MAX = 20_000;
/** Verifications remembered until their approval or GRACE_MS, whichever comes first, at most. */
export const PENDING_MAX = 30_000;
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
  /** What was measured, in words (no full number, no address): put together only when it is shown. */
  describe: () => string;
}

/** Reasons as a decision shows them. */
export const explained = (reasons: readonly Reason[]) => reasons.map((r) => ({ signal: r.signal, strength: r.strength, points: r.points, detail: r.describe() }));

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
  /** The statistics it read (country, range; block), which `record` adds the start to; undefined where there were none yet. */
  readonly stats: readonly [PrefixStats | undefined, PrefixStats | undefined, BlockStats | undefined];
  /** The account's statistics, so `record` need not look them up again. */
  readonly account: AccountStats;
}

/** Puts `v` under `key` and answers it. */
function made<V>(map: BoundedMap<V>, key: string, v: V): V {
  map.set(key, v);
  return v;
}

const NONE = new PrefixStats();
const NO_BLOCK = new BlockStats();

const clamp = (x: number) => Math.max(0, Math.min(1, x));
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

class AccountStats {
  /** Countries (at most a few hundred) and ranges. */
  readonly countries = new Map<string, PrefixStats>();
  readonly ranges = new BoundedMap<PrefixStats>(PREFIXES_MAX);
  readonly blocks = new BoundedMap<BlockStats>(PREFIXES_MAX);
  readonly addresses = new BoundedMap<AddressStats>(PREFIXES_MAX);
  /** The account's sends whose code had time to be typed, and approvals: its own conversion. */
  readonly sent = new Decay(HOUR);
  readonly approved = new Decay(HOUR);
  readonly price = new Decay(DAY);
  readonly priced = new Decay(DAY);
  /** Countries with an approval since this instance started. */
  readonly converted = new Set<string>();
}

/** A send waiting for its approval, or for its grace to end: the statistics it counts in, held directly. */
interface Pending {
  at: number;
  account: AccountStats;
  country: PrefixStats;
  range: PrefixStats;
  /** Its block's key, not the block: a sent start must not keep a block alive past its place in the map. */
  block: string;
  address: AddressStats;
  countryCode: string;
  tail: number;
  matured: boolean;
}

/**
 * The pumping rules: what an account's recent starts say about one more. Each signal is measured
 * against the account's own history, so a new account is judged by how its first minutes look: a
 * burst into a country it never converted in, with no codes typed, is the pattern; users from a
 * new country who type their codes are not. The state is this instance's, with what the others
 * share (exchange.ts); `score` is 0 to 100.
 */
export class PumpingEngine {
  private readonly accounts = new BoundedMap<AccountStats>(ACCOUNTS_MAX);
  /** Sends waiting for their grace to end, oldest first. */
  private maturing: Pending[] = [];
  private head = 0;
  private share: ((o: Observation) => void) | undefined;
  private readonly pending = new BoundedMap<Pending>(PENDING_MAX);

  assess(input: PumpingInput): Assessment {
    const { now } = input;
    this.mature(now);
    const a = this.accounts.getOr(input.accountId, () => new AccountStats());
    const p = prefixesOf(input.to, input.country);
    // Read only: a prefix nobody started into has nothing to say, and is made when a start is recorded.
    const found = [a.countries.get(p.country), a.ranges.get(p.range), a.blocks.get(p.block)] as const;
    const [country, range, block] = [found[0] ?? NONE, found[1] ?? NONE, found[2] ?? NO_BLOCK];
    const reasons: Reason[] = [];
    const add = (signal: SignalName, strength: number, describe: () => string) => {
      if (strength > 0) reasons.push({ signal, strength: round(strength), points: round(WEIGHTS[signal] * strength, 1), describe });
    };

    const type = input.numberType;
    if (type && SUSPECT_TYPES.has(type)) add('number_type', 1, () => `the number is ${type.toLowerCase().replaceAll('_', ' ')}`);

    const near = block.near(p.tail, 20, now);
    add('sequential', clamp(near / 3), () => `${near} other recent destination(s) within 20 of this one in its block of a thousand`);

    // Conversion: approvals over sends whose code had time to be typed, against the account's own
    // rate, with a prior worth five sends so a few samples do not swing it.
    const base = (a.approved.value(now) + 2 * 0.7) / (a.sent.value(now) + 2);
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

    // Many addresses into a range that nobody converts in (rotating addresses). Into a whole country
    // too, once the account converts somewhere: before any code was typed, a launch to a country
    // looks like an attack on it, and only the range, where attacks concentrate, is judged.
    const unconverted = (s: PrefixStats) => (s.approved.value(now) < 0.5 ? s.addresses(now) : 0);
    const inRange = unconverted(range);
    const inCountry = a.approved.value(now) >= 0.5 ? unconverted(country) : 0;
    const addresses = Math.max(inRange, inCountry);
    const spread = Math.max(clamp((inRange - 4) / 10), clamp((inCountry - 3) / 7));
    // An address whose users type their codes (an app's own server, an office) asks for many.
    const from = a.addresses.get(input.ip);
    const fanout = from && from.approved.value(now) < 0.5 ? clamp((from.count(now) - 3) / 7) : 0;
    add(
      'addresses',
      Math.max(spread, fanout),
      () => `${addresses} addresses into the country or range lately, none of whose codes was typed; this one asked for ${from?.count(now) ?? 0} destinations`,
    );

    const reference = a.priced.value(now) >= 3 ? a.price.value(now) / a.priced.value(now) : 0;
    if (reference > 0 && input.priceMicros > 0) add('price', clamp((input.priceMicros / reference - 2) / 4), () => `${round(input.priceMicros / reference, 1)}× the account's usual price`);

    const score = Math.min(100, Math.round(reasons.reduce((s, r) => s + r.points, 0)));
    return { score, reasons: reasons.sort((x, y) => y.points - x.points), prefixes: p, prefix: near >= 2 ? p.block : p.range, stats: found, account: a };
  }

  /** Counts a start that was assessed (refused ones too: an attack stays visible); `sent`: its message went out, under `verificationId`. */
  record(input: PumpingInput, assessed: Assessment, sent: { verificationId: string } | undefined): void {
    const p = assessed.prefixes;
    const to = input.toKey ?? input.to;
    this.started(assessed.account, p.country, p.range, p.block, p.tail, input.ip, to, input.priceMicros, input.now, sent?.verificationId, assessed.stats);
    if (this.share) {
      const o: Observation = { k: 's', a: input.accountId, c: p.country, r: p.range, b: p.block, t: p.tail, ip: input.ip, to, p: input.priceMicros, at: input.now };
      if (sent) o.v = sent.verificationId;
      this.share(o);
    }
  }

  /** A verification whose code was typed: its prefixes convert. */
  approved(verificationId: string, now: number): void {
    this.approve(verificationId, now);
    this.share?.({ k: 'a', v: verificationId, at: now });
  }

  /** Hears what this instance observes, for the others (see exchange.ts). */
  onObservation(share: (o: Observation) => void): void {
    this.share = share;
  }

  /** Counts what another instance observed. */
  apply(o: Observation): void {
    if (o.k === 'a') this.approve(o.v, o.at);
    else
      this.started(
        this.accounts.getOr(o.a, () => new AccountStats()),
        o.c,
        o.r,
        o.b,
        o.t,
        o.ip,
        o.to,
        o.p,
        o.at,
        o.v,
        undefined,
      );
  }

  /** `stats`: what the assessment found, where a missing one is known to be missing (this instance's own starts). */
  private started(
    a: AccountStats,
    c: string,
    r: string,
    b: string,
    tail: number,
    ip: string,
    to: string,
    price: number,
    at: number,
    sent: string | undefined,
    stats: Assessment['stats'] | undefined,
  ): void {
    let country = stats ? stats[0] : a.countries.get(c);
    if (!country) {
      country = new PrefixStats();
      a.countries.set(c, country);
    }
    const range = stats ? (stats[1] ?? made(a.ranges, r, new PrefixStats())) : a.ranges.getOr(r, () => new PrefixStats());
    const block = stats ? (stats[2] ?? made(a.blocks, b, new BlockStats())) : a.blocks.getOr(b, () => new BlockStats());
    country.start(ip, at);
    range.start(ip, at);
    block.start(tail, at);
    const address = a.addresses.getOr(ip, () => new AddressStats());
    address.start(to, at);
    if (sent === undefined) return;
    if (price > 0) {
      a.price.add(price, at);
      a.priced.add(1, at);
    }
    const v: Pending = { at, account: a, country, range, block: b, address, countryCode: c, tail, matured: false };
    this.pending.set(sent, v);
    this.maturing.push(v);
    // Past the bound the oldest are dropped (their sends never count for conversion).
    if (this.maturing.length - this.head > PENDING_MAX) this.head += 1;
  }

  private approve(verificationId: string, now: number): void {
    const v = this.pending.get(verificationId);
    if (!v) return;
    // An approval inside the grace counts its send at once, so the rate stays at most one.
    if (!v.matured) this.count(v, now);
    v.country.approved.add(1, now);
    v.range.approved.add(1, now);
    v.account.blocks.get(v.block)?.approvedTail(v.tail);
    v.account.approved.add(1, now);
    v.address.approved.add(1, now);
    v.account.converted.add(v.countryCode);
  }

  private mature(now: number): void {
    while (this.head < this.maturing.length && (this.maturing[this.head] as Pending).at <= now - GRACE_MS) {
      const v = this.maturing[this.head] as Pending;
      this.head += 1;
      if (!v.matured) this.count(v, now);
    }
    // The consumed front is cut away now and then, not one entry at a time.
    if (this.head > 1024 && this.head * 4 > this.maturing.length) {
      this.maturing = this.maturing.slice(this.head);
      this.head = 0;
    }
  }

  private count(v: Pending, now: number): void {
    v.matured = true;
    v.country.sent.add(1, now);
    v.range.sent.add(1, now);
    v.account.sent.add(1, now);
  }
}
