/**
 * The destinations and client addresses of the simulated traffic. Every number is checked with
 * the numbering plan Verity itself uses (libphonenumber's full metadata), because the server
 * refuses an invalid number and scores a number's type: a generator that drifted into pagers or
 * another country's ranges would measure the wrong thing.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { Rng } from './prng.js';

/** Numbers `digits` long (E.164 without the `+`) that begin with one of `prefixes`. */
export interface NumberSpace {
  country: string;
  prefixes: readonly string[];
  digits: number;
}

/**
 * The home market: UK mobiles across the 07 ranges. 070 (personal numbers) and 076 (pagers) are
 * left out; the Crown dependencies' ranges inside 07 are refused by the country check.
 */
export const GB_MOBILES: NumberSpace = { country: 'GB', prefixes: ['4471', '4472', '4473', '4474', '4475', '4477', '4478', '4479'], digits: 12 };
/** The two other countries the product serves. */
export const IE_MOBILES: NumberSpace = { country: 'IE', prefixes: ['35383', '35385', '35386', '35387', '35389'], digits: 12 };
export const FR_MOBILES: NumberSpace = { country: 'FR', prefixes: ['336', '337'], digits: 11 };

/**
 * Where the foreign burst pumps to: two mobile ranges (about a million numbers each, the pumping
 * rules' "range") in each of four countries a UK business never sends to.
 */
export const BURST_SPACES: readonly NumberSpace[] = [
  { country: 'KG', prefixes: ['996700', '996555'], digits: 12 },
  { country: 'TJ', prefixes: ['992917', '992935'], digits: 12 },
  { country: 'GN', prefixes: ['224620', '224660'], digits: 12 },
  { country: 'PG', prefixes: ['67570', '67573'], digits: 11 },
];

/** The thousand-number block the slow attack walks: inside a real UK mobile range, every number valid. */
export const SLOW_BLOCK = '447958312';

/** True when `e164` is a valid mobile number of `country` by the numbering plan. */
export function isMobileOf(e164: string, country: string): boolean {
  const phone = parsePhoneNumberFromString(e164);
  return !!phone && phone.isValid() && phone.country === country && phone.getType() === 'MOBILE';
}

/** Numbers and addresses handed out once each, so no two simulated users collide by chance. */
export class Population {
  private readonly numbers = new Set<string>();
  private readonly addresses = new Set<string>();

  /** A random mobile number of the space, not handed out before. */
  mobile(rng: Rng, space: NumberSpace): string {
    for (let tries = 0; tries < 1000; tries++) {
      const prefix = rng.pick(space.prefixes);
      const to = `+${prefix}${rng.digits(space.digits - prefix.length)}`;
      if (!this.numbers.has(to) && isMobileOf(to, space.country)) {
        this.numbers.add(to);
        return to;
      }
    }
    throw new Error(`no valid ${space.country} mobile found in ${space.prefixes.join(', ')}`);
  }

  /** The number at `offset` (0–999) of the slow attack's block. */
  inBlock(offset: number): string {
    const to = `+${SLOW_BLOCK}${String(offset % 1000).padStart(3, '0')}`;
    if (!isMobileOf(to, 'GB')) throw new Error(`${to} is not a UK mobile: pick another block`);
    this.numbers.add(to);
    return to;
  }

  /** A public IPv4 address inside one of `firstOctets`, not handed out before. */
  address(rng: Rng, firstOctets: readonly number[]): string {
    for (;;) {
      const ip = `${rng.pick(firstOctets)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
      if (!this.addresses.has(ip)) {
        this.addresses.add(ip);
        return ip;
      }
    }
  }
}

/**
 * First octets of address space held by European access providers: the users' home connections.
 * Like the list below, none is private, shared (100.64/10), loopback, link-local, benchmarking
 * (198.18/15), documentation or multicast space.
 */
export const RESIDENTIAL_OCTETS: readonly number[] = [2, 5, 31, 37, 46, 62, 77, 78, 79, 80, 81, 82, 86, 87, 88, 90, 92, 94, 109, 151, 176, 178, 188, 212, 213, 217];
/** Public space on every continent: the rotating addresses (proxies, hijacked hosts) of an attack. */
export const ANYWHERE_OCTETS: readonly number[] = [1, 14, 27, 36, 41, 43, 45, 49, 58, 101, 102, 103, 105, 110, 112, 114, 116, 119, 125, 154, 156, 175, 180, 182, 185, 196, 197, 202, 210, 222];
