import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BURST_SPACES, isMobileOf, SLOW_BLOCK } from '../../sim/population.js';
import { simulatePumping } from '../../sim/pumping.js';
import { markdown } from '../../sim/report.js';
import { type OwnVerity, startOwnVerity } from '../../sim/server.js';
import type { ClassFigures, PumpingReport } from '../../sim/tally.js';
import { type PlannedStart, planPumping, type TrafficClass } from '../../sim/traffic.js';

/**
 * The attacks at their full rates for a shorter run: 70 s of starts, then up to 30 s of people
 * typing their codes. The burst's share refused depends on its size (the first few starts into a
 * new country get through before its addresses and volume tell), so it keeps its 25 a second, for
 * 49 s; the slow walk makes 20 starts. The seed fixes the traffic, so only the server's answers
 * vary from run to run.
 */
const RUN = { seed: 1, durationS: 70, scale: 1 } as const;

const of = (plan: readonly PlannedStart[], cls: TrafficClass) => plan.filter((p) => p.cls === cls);

describe('the pumping simulation’s traffic', () => {
  it('is the same for the same seed and another for another seed', () => {
    expect(planPumping(RUN)).toEqual(planPumping(RUN));
    expect(planPumping({ ...RUN, seed: 2 }).map((p) => p.to)).not.toEqual(planPumping(RUN).map((p) => p.to));
  });

  it('goes to valid mobile numbers: people’s in the UK, Ireland and France, the burst’s abroad, the slow walk’s in one UK block', () => {
    const plan = planPumping(RUN);
    for (const p of [...of(plan, 'legit'), ...of(plan, 'spike')])
      expect(
        ['GB', 'IE', 'FR'].some((c) => isMobileOf(p.to, c)),
        p.to,
      ).toBe(true);
    expect(of(plan, 'spike').every((p) => isMobileOf(p.to, 'GB'))).toBe(true);
    const burstCountries = BURST_SPACES.map((s) => s.country);
    for (const p of of(plan, 'burst'))
      expect(
        burstCountries.some((c) => isMobileOf(p.to, c)),
        p.to,
      ).toBe(true);
    expect(new Set(of(plan, 'burst').map((p) => p.to.slice(0, 4))).size).toBe(burstCountries.length);
    for (const p of of(plan, 'slow')) expect(p.to.startsWith(`+${SLOW_BLOCK}`) && isMobileOf(p.to, 'GB'), p.to).toBe(true);
    expect(new Set(plan.map((p) => p.to)).size).toBe(plan.length);
  });

  it('gives every attack start an address of its own and lets a few people share theirs', () => {
    const plan = planPumping(RUN);
    const attacks = [...of(plan, 'burst'), ...of(plan, 'slow')];
    expect(new Set(attacks.map((p) => p.ip)).size).toBe(attacks.length);
    const legit = of(plan, 'legit');
    const shared = legit.length - new Set(legit.map((p) => p.ip)).size;
    expect(shared).toBeGreaterThan(0);
    expect(shared).toBeLessThan(legit.length * 0.25);
  });
});

describe('an out-of-the-box Verity driven by the pumping simulation', () => {
  const plan = planPumping(RUN);
  let verity: OwnVerity | undefined;
  let report: PumpingReport;
  const figures = (cls: TrafficClass) => report.classes.find((f) => f.class === cls) as ClassFigures;
  // A missed bar shows the whole report: which signals fired, what else was refused.
  const table = () => `\n${markdown(report)}`;

  beforeAll(async () => {
    verity = await startOwnVerity();
    report = await simulatePumping({ url: verity.url, authorization: verity.authorization, ...RUN });
  }, 180_000);
  afterAll(async () => verity?.stop());

  it('answers every start, and every person who typed the right code is approved', () => {
    for (const f of report.classes) {
      expect(f.starts, f.class).toBe(of(plan, f.class).length);
      expect({ class: f.class, errors: f.errors, other: f.refused_by.other, unexpected: f.unexpected, cut_off: f.cut_off }).toEqual({
        class: f.class,
        errors: 0,
        other: 0,
        unexpected: {},
        cut_off: 0,
      });
    }
    expect(figures('burst').starts).toBeGreaterThanOrEqual(1000);
    expect(figures('slow').starts).toBeGreaterThanOrEqual(20);
    for (const cls of ['legit', 'spike'] as const) {
      const f = figures(cls);
      const typers = of(plan, cls).filter((p) => p.behaviour === 'types' || p.behaviour === 'wrong_first').length;
      // A refused person never gets a code; everyone else who typed it is approved.
      expect(f.approved).toBeLessThanOrEqual(typers);
      expect(f.approved).toBeGreaterThanOrEqual(typers - f.refused);
    }
  });

  it('prices every send from the price list, the burst’s dearest', () => {
    expect(report.priced).toBe(true);
    const perSend = (cls: TrafficClass) => figures(cls).spend / figures(cls).sent;
    expect(perSend('legit')).toBeGreaterThan(0.03);
    expect(perSend('burst')).toBeGreaterThan(0.25);
  });

  it('refuses at least 95% of the foreign burst, the first refusal within 20 s of its start', () => {
    const burst = figures('burst');
    expect(burst.refused_share, table()).toBeGreaterThanOrEqual(0.95);
    expect(burst.first_block_s, table()).not.toBeNull();
    expect(burst.first_block_s, table()).toBeLessThanOrEqual(20);
  });

  it('refuses at least 80% of the slow walk through a home block, the first refusal within 60 s', () => {
    const slow = figures('slow');
    expect(slow.refused_share, table()).toBeGreaterThanOrEqual(0.8);
    expect(slow.first_block_s, table()).not.toBeNull();
    expect(slow.first_block_s, table()).toBeLessThanOrEqual(60);
  });

  it('takes at most 1% of real users, in the campaign too, for pumping or rate-limits them', () => {
    for (const cls of ['legit', 'spike'] as const) {
      const { starts, refused_by: by } = figures(cls);
      expect((by.FRAUD_SUSPECTED + by.COUNTRY_NOT_ALLOWED + by.RATE_LIMITED) / starts, `${cls}${table()}`).toBeLessThanOrEqual(0.01);
    }
  });

  it('reports each bar met exactly when its figure meets it', () => {
    const met = (f: ClassFigures, share: number, seconds: number) => [f.refused_share !== null && f.refused_share >= share, f.first_block_s !== null && f.first_block_s <= seconds];
    const legitMet = (f: ClassFigures) => f.refused_by.FRAUD_SUSPECTED + f.refused_by.COUNTRY_NOT_ALLOWED + f.refused_by.RATE_LIMITED <= f.starts * 0.01;
    expect(report.bars.map((b) => [b.class, b.met])).toEqual([
      ...met(figures('burst'), 0.95, 20).map((m) => ['burst', m]),
      ...met(figures('slow'), 0.8, 60).map((m) => ['slow', m]),
      ['legit', legitMet(figures('legit'))],
      ['spike', legitMet(figures('spike'))],
    ]);
    expect(report.met).toBe(report.bars.every((b) => b.met));
  });
});
