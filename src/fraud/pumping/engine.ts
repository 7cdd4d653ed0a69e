import { type NumberPrefixes, prefixesOf } from './prefixes.js';
import { BoundedMap } from '../../lib/bounded-map.js';
import { AddressStats, PrefixStats, Sends } from './stats.js';
import { Decay } from './decay.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Accounts one instance keeps statistics for; prefixes, addresses and approved destinations per account. */
export const ACCOUNTS_MAX = 10_000;
export const PREFIXES_MAX = 20_000;
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
 * or an approval (`a`) of a verification to that destination. Prefixes, not numbers; `ip` and `to` are keyed hashes where they came
 * from the guard.
 */
export type Observation =
  | { k: 's'; a: string; c: string; r: string; t: number; ip: string; to: string; p: number; at: number; v?: 1 }
  | { k: 'a'; a: string; c: string; r: string; t: number; to: string; at: number };

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
  readonly stats: readonly [PrefixStats | undefined, PrefixStats | undefined];
  /** The account's statistics, so `record` need not look them up again. */
  readonly account: AccountStats;
}

/** Puts `v` under `key` and answers it. */
function made<V>(map: BoundedMap<V>, key: string, v: V): V {
  map.set(key, v);
  return v;
}

const NONE = new PrefixStats();

const clamp = (x: number) => Math.max(0, Math.min(1, x));
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/** A prefix's approvals over its sends whose code had time to be typed, with a prior of five sends at the account's rate `base`. */
function conversionRate(s: PrefixStats, base: number, now: number): number {
  const sent = s.sends.matured(now);
  const approved = s.sends.approved.value(now);
  return (approved + 5 * base) / (Math.max(sent, approved) + 5);
}

/** A prefix's starts of the last minutes against its usual rate; 0 below five recent starts. */
function burst(s: PrefixStats, now: number): number {
  return s.fast.value(now) < 5 ? 0 : s.fast.perMinute(now) / Math.max(s.slow.perMinute(now), 0.5);
}

/** The addresses that started into a prefix lately, when none of its codes was typed. */
function unconverted(s: PrefixStats, now: number): number {
  return s.sends.approved.value(now) < 0.5 ? s.addresses(now) : 0;
}

class AccountStats {
  /** Countries (at most a few hundred) and ranges. */
  readonly countries = new Map<string, PrefixStats>();
  readonly ranges = new BoundedMap<PrefixStats>(PREFIXES_MAX);
  readonly addresses = new BoundedMap<AddressStats>(PREFIXES_MAX);
  /** The account's own sends and approvals: its conversion, which each prefix's is held against. */
  readonly sends = new Sends();
  readonly price = new Decay(DAY);
  readonly priced = new Decay(DAY);
  /** Destinations (as counted) whose code was typed lately: an address that asked for them converts. */
  readonly approvedTo = new BoundedMap<number>(PREFIXES_MAX);
  /** Countries with an approval since this instance started. */
  readonly converted = new Set<string>();
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
  private share: ((o: Observation) => void) | undefined;

  assess(input: PumpingInput): Assessment {
    const { now } = input;
    const a = this.accounts.getOr(input.accountId, () => new AccountStats());
    const p = prefixesOf(input.to, input.country);
    // Read only: a prefix nobody started into has nothing to say, and is made when a start is recorded.
    const found = [a.countries.get(p.country), a.ranges.get(p.range)] as const;
    const country = found[0] ?? NONE;
    const range = found[1] ?? NONE;
    const reasons: Reason[] = [];
    // Each signal's words are put together only when it fired (and only when shown).
    const add = (signal: SignalName, strength: number, describe: () => string) => {
      reasons.push({ signal, strength: round(strength), points: round(WEIGHTS[signal] * strength, 1), describe });
    };

    const type = input.numberType;
    if (type && SUSPECT_TYPES.has(type)) add('number_type', 1, () => `the number is ${type.toLowerCase().replaceAll('_', ' ')}`);

    const near = range.near(p.tail, 20, now);
    if (near > 0) add('sequential', clamp(near / 3), () => `${near} other recent destination(s) within 20 of this one in its block of a thousand`);

    // Conversion: approvals over sends whose code had time to be typed, against the account's own
    // rate, with a prior worth five sends so a few samples do not swing it.
    const base = (a.sends.approved.value(now) + 2 * 0.7) / (a.sends.matured(now) + 2);
    const inRangeRate = conversionRate(range, base, now);
    const inCountryRate = conversionRate(country, base, now);
    const [worst, rate] = inCountryRate < inRangeRate ? [country, inCountryRate] : [range, inRangeRate];
    const converting = clamp((base / 2 - rate) / (base / 2));
    if (converting > 0) {
      const sent = worst.sends.matured(now);
      add('conversion', converting, () => `${round(rate * 100, 0)}% of ${round(sent, 0)} recent sends approved, against ${round(base * 100, 0)}% for the account`);
    }

    // Volume: the last minutes against the last hours, at the country and at the range.
    const ratio = Math.max(burst(country, now), burst(range, now));
    if (ratio > 3) add('volume', clamp((ratio - 3) / 7), () => `${round(ratio, 1)}× the prefix's usual rate`);

    if (input.countryApprovals === 0 && !a.converted.has(p.country)) add('new_country', 1, () => `no approval to ${p.country} in the account's last 30 days`);

    // Many addresses into a range that nobody converts in (rotating addresses). Into a whole country
    // too, once the account converts somewhere: before any code was typed, a launch to a country
    // looks like an attack on it, and only the range, where attacks concentrate, is judged.
    const inRange = unconverted(range, now);
    const inCountry = a.sends.approved.value(now) >= 0.5 ? unconverted(country, now) : 0;
    const spread = Math.max(clamp((inRange - 4) / 10), clamp((inCountry - 3) / 7));
    // An address whose users type their codes (an app's own server, an office) asks for many.
    const from = a.addresses.get(input.ip);
    const asked = from ? from.count(now) : 0;
    const fanout = from && asked > 3 && !from.converts(a.approvedTo) ? clamp((asked - 3) / 7) : 0;
    if (spread > 0 || fanout > 0) {
      const addresses = Math.max(inRange, inCountry);
      add('addresses', Math.max(spread, fanout), () => `${addresses} addresses into the country or range lately, none of whose codes was typed; this one asked for ${asked} destinations`);
    }

    const reference = a.priced.value(now) >= 3 ? a.price.value(now) / a.priced.value(now) : 0;
    const pricey = reference > 0 && input.priceMicros > 0 ? clamp((input.priceMicros / reference - 2) / 4) : 0;
    if (pricey > 0) add('price', pricey, () => `${round(input.priceMicros / reference, 1)}× the account's usual price`);

    let points = 0;
    for (const r of reasons) points += r.points;
    if (reasons.length > 1) reasons.sort((x, y) => y.points - x.points);
    return { score: Math.min(100, Math.round(points)), reasons, prefixes: p, prefix: near >= 2 ? p.block : p.range, stats: found, account: a };
  }

  /** Counts a start that was assessed (refused ones too: an attack stays visible); `sent`: its message went out. */
  record(input: PumpingInput, assessed: Assessment, sent: boolean): void {
    const p = assessed.prefixes;
    const to = input.toKey ?? input.to;
    this.started(assessed.account, p.country, p.range, p.tail, input.ip, to, input.priceMicros, input.now, sent, assessed.stats);
    if (this.share) {
      const o: Observation = { k: 's', a: input.accountId, c: p.country, r: p.range, t: p.tail, ip: input.ip, to, p: input.priceMicros, at: input.now };
      if (sent) o.v = 1;
      this.share(o);
    }
  }

  /** A verification to `to` (E.164; `toKey`: as its starts were counted) whose code was typed: its prefixes convert. */
  approved(accountId: string, to: string, country: string, toKey: string, now: number): void {
    const p = prefixesOf(to, country);
    const o: Observation = { k: 'a', a: accountId, c: p.country, r: p.range, t: p.tail, to: toKey, at: now };
    this.apply(o);
    this.share?.(o);
  }

  /** Hears what this instance observes, for the others (see exchange.ts). */
  onObservation(share: (o: Observation) => void): void {
    this.share = share;
  }

  /** Counts an observation: an approval, or what another instance observed. */
  apply(o: Observation): void {
    const a = this.accounts.getOr(o.a, () => new AccountStats());
    if (o.k === 's') {
      this.started(a, o.c, o.r, o.t, o.ip, o.to, o.p, o.at, o.v === 1, undefined);
      return;
    }
    a.countries.get(o.c)?.sends.approve(o.at);
    const range = a.ranges.get(o.r);
    range?.sends.approve(o.at);
    range?.approvedTail(o.t);
    a.sends.approve(o.at);
    a.approvedTo.set(o.to, o.at);
    a.converted.add(o.c);
  }

  /** `stats`: what the assessment found, where a missing one is known to be missing (this instance's own starts). */
  private started(a: AccountStats, c: string, r: string, tail: number, ip: string, to: string, price: number, at: number, sent: boolean, stats: Assessment['stats'] | undefined): void {
    let country = stats ? stats[0] : a.countries.get(c);
    if (!country) {
      country = new PrefixStats();
      a.countries.set(c, country);
    }
    const range = stats ? (stats[1] ?? made(a.ranges, r, new PrefixStats())) : a.ranges.getOr(r, () => new PrefixStats());
    country.start(ip, at);
    range.start(ip, at, tail);
    a.addresses.getOr(ip, () => new AddressStats()).start(to, at);
    if (!sent) return;
    country.sends.send(at);
    range.sends.send(at);
    a.sends.send(at);
    if (price > 0) {
      a.price.add(price, at);
      a.priced.add(1, at);
    }
  }
}
