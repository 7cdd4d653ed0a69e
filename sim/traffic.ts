/**
 * The pumping scenario's traffic, planned in full from the seed before the first request: who
 * starts when, to which number, from which address, and what the person does with the code. The
 * server's answers decide only what happens to each start, never what the traffic is.
 */
import { ANYWHERE_OCTETS, BURST_SPACES, FR_MOBILES, GB_MOBILES, IE_MOBILES, type NumberSpace, Population, RESIDENTIAL_OCTETS } from './population.js';
import { Rng } from './prng.js';

export const TRAFFIC_CLASSES = ['legit', 'spike', 'burst', 'slow'] as const;
export type TrafficClass = (typeof TRAFFIC_CLASSES)[number];
export const LEGIT_CLASSES: readonly TrafficClass[] = ['legit', 'spike'];
export const ATTACK_CLASSES: readonly TrafficClass[] = ['burst', 'slow'];

/** `types`: the right code; `wrong_first`: a wrong code, then the right one; `gives_up`: never checks; `never`: an attack, which never reads a code. */
export type Behaviour = 'types' | 'wrong_first' | 'gives_up' | 'never';

export interface PlannedStart {
  cls: TrafficClass;
  /** When to start, in ms from the beginning of the run. */
  atMs: number;
  to: string;
  /** The end user's address, sent as X-Forwarded-For. */
  ip: string;
  behaviour: Behaviour;
  /** From the start's answer to the first code typed. */
  typeAfterMs: number;
  /** From the wrong code to the right one (`wrong_first`). */
  retypeAfterMs: number;
  /** Added to the right code (mod 10^length) to make the wrong one: 1 to 9. */
  wrongBy: number;
}

export interface PlanOptions {
  seed: number;
  durationS: number;
  /** Multiplies every rate; durations stay as they are. */
  scale: number;
}

/** Rates at scale 1, in starts a second. */
export const RATES = { legit: 4, spike: 12, burst: 25, slow: 1 / 4 } as const;
/** Where each class begins, as a share of the duration; the spike lasts SPIKE_S. */
export const BEGINS = { legit: 0, spike: 0.4, burst: 0.3, slow: 0.2 } as const;
export const SPIKE_S = 20;
/** A person reads and types the code this long after asking for it; a retype takes RETYPE_S more, within the same span. */
export const HUMAN_DELAY_S = { min: 5, max: 30 } as const;
const RETYPE_S = { min: 2, max: 5 } as const;
/** The legit behaviour mix: the rest give up. */
const TYPES_SHARE = 0.8;
const WRONG_FIRST_SHARE = 0.08;
/** Legit users from the two other countries served, and users behind an address an earlier one used (a household). */
const ABROAD_SHARE = 0.1;
const SHARED_ADDRESS_SHARE = 0.1;
/**
 * The slow attack makes at least this many starts, whatever the scale: the 80% bar needs about
 * twenty to be judged at all (one send more or less moves the share by 5 points). At scale 1 and
 * the default 150 s it makes 30, one every 4 s, and the floor does not apply.
 */
export const SLOW_MIN_STARTS = 20;

/** The slow attack's starts a second: its rate at `scale`, or the floor when that is higher. */
export function slowRate(durationS: number, scale: number): number {
  return Math.max(RATES.slow * scale, SLOW_MIN_STARTS / (durationS * (1 - BEGINS.slow)));
}

/** Arrivals of a Poisson process of `ratePerS` in [fromS, toS), in ms. */
function poisson(rng: Rng, ratePerS: number, fromS: number, toS: number): number[] {
  const out: number[] = [];
  if (ratePerS <= 0) return out;
  for (let t = fromS + rng.gap(ratePerS); t < toS; t += rng.gap(ratePerS)) out.push(Math.round(t * 1000));
  return out;
}

/** Arrivals every `1 / ratePerS` s in [fromS, toS), jittered by a tenth of the interval: a script, not people. */
function steady(rng: Rng, ratePerS: number, fromS: number, toS: number): number[] {
  const out: number[] = [];
  if (ratePerS <= 0) return out;
  const step = 1 / ratePerS;
  for (let t = fromS; t < toS; t += step) out.push(Math.round((t + rng.between(0, step / 10)) * 1000));
  return out;
}

function person(rng: Rng): Pick<PlannedStart, 'behaviour' | 'typeAfterMs' | 'retypeAfterMs' | 'wrongBy'> {
  const r = rng.next();
  const behaviour: Behaviour = r < TYPES_SHARE ? 'types' : r < TYPES_SHARE + WRONG_FIRST_SHARE ? 'wrong_first' : 'gives_up';
  const retype = behaviour === 'wrong_first' ? rng.between(RETYPE_S.min, RETYPE_S.max) : 0;
  const typeAfter = rng.between(HUMAN_DELAY_S.min, HUMAN_DELAY_S.max - retype);
  return { behaviour, typeAfterMs: Math.round(typeAfter * 1000), retypeAfterMs: Math.round(retype * 1000), wrongBy: rng.int(1, 9) };
}

const attacker = { behaviour: 'never', typeAfterMs: 0, retypeAfterMs: 0, wrongBy: 0 } as const;

/** Every start of the run, in the order they are made. */
export function planPumping(o: PlanOptions): PlannedStart[] {
  const { seed, durationS: d, scale } = o;
  const people = new Population();
  const plan: PlannedStart[] = [];

  // Real users: mostly at home, some abroad; a tenth behind an address an earlier user had.
  const legit = Rng.stream(seed, 'legit');
  const homes: string[] = [];
  for (const atMs of poisson(legit, RATES.legit * scale, BEGINS.legit * d, d)) {
    const space: NumberSpace = legit.chance(ABROAD_SHARE) ? legit.pick([IE_MOBILES, FR_MOBILES]) : GB_MOBILES;
    const ip = homes.length > 0 && legit.chance(SHARED_ADDRESS_SHARE) ? legit.pick(homes) : people.address(legit, RESIDENTIAL_OCTETS);
    homes.push(ip);
    plan.push({ cls: 'legit', atMs, to: people.mobile(legit, space), ip, ...person(legit) });
  }

  // A marketing campaign: more real UK users, each on a connection of their own.
  const spike = Rng.stream(seed, 'spike');
  const spikeFrom = BEGINS.spike * d;
  for (const atMs of poisson(spike, RATES.spike * scale, spikeFrom, Math.min(d, spikeFrom + SPIKE_S))) {
    plan.push({ cls: 'spike', atMs, to: people.mobile(spike, GB_MOBILES), ip: people.address(spike, RESIDENTIAL_OCTETS), ...person(spike) });
  }

  // The foreign burst: random numbers in a few high-cost ranges, a new address for each.
  const burst = Rng.stream(seed, 'burst');
  for (const atMs of steady(burst, RATES.burst * scale, BEGINS.burst * d, d)) {
    plan.push({ cls: 'burst', atMs, to: people.mobile(burst, burst.pick(BURST_SPACES)), ip: people.address(burst, ANYWHERE_OCTETS), ...attacker });
  }

  // The slow walk through one block of a home range, one to three numbers at a step.
  const slow = Rng.stream(seed, 'slow');
  let offset = slow.int(0, 399);
  for (const atMs of steady(slow, slowRate(d, scale), BEGINS.slow * d, d)) {
    plan.push({ cls: 'slow', atMs, to: people.inBlock(offset), ip: people.address(slow, ANYWHERE_OCTETS), ...attacker });
    offset += slow.int(1, 3);
  }

  return plan.sort((a, b) => a.atMs - b.atMs);
}
