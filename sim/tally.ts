/** From what happened to each start to the figures per class, and the bars the fraud layer is held to. */
import { ATTACK_CLASSES, LEGIT_CLASSES, TRAFFIC_CLASSES, type TrafficClass } from './traffic.js';

/** What happened to one planned start. */
export interface Outcome {
  cls: TrafficClass;
  /** ms from the beginning of the run; the start's request and its answer. */
  issuedMs: number;
  answeredMs: number;
  /** 0: no HTTP answer. */
  status: number;
  /** The problem's `code` of a refusal. */
  code?: string;
  /** The pumping rules' signals a FRAUD_SUSPECTED problem named. */
  signals?: string[];
  error?: string;
  /** The verification, when the start was answered 2xx. */
  id?: string;
  /** Set for a person who read the code: whether a check said approved. */
  approved?: boolean;
  /** The hard stop came before the person had typed. */
  cutOff?: boolean;
  priceMicros?: number;
}

export const REFUSAL_CODES = ['FRAUD_SUSPECTED', 'COUNTRY_NOT_ALLOWED', 'RATE_LIMITED', 'SPEND_CAP_REACHED'] as const;
type RefusalColumn = (typeof REFUSAL_CODES)[number] | 'other';

export interface ClassFigures {
  class: TrafficClass;
  starts: number;
  /** Answered 2xx: the verification was written and its message queued. */
  sent: number;
  /** Answered 4xx: nothing was sent. */
  refused: number;
  refused_by: Record<RefusalColumn, number>;
  refused_share: number | null;
  /** No answer, or a 5xx: neither sent nor refused; any makes the run suspect. */
  errors: number;
  /** The `other` refusals' codes and the errors' kinds, with counts. */
  unexpected: Record<string, number>;
  /** Legit classes: sends whose code was typed and approved, and that over sends. */
  approved: number | null;
  conversion: number | null;
  /** People the hard stop interrupted before they typed. */
  cut_off: number;
  /** What the sends cost by the account's price list (what a real provider's sends are charged), in its currency. */
  spend: number;
  /** Attacks: from the class's first start to its first FRAUD_SUSPECTED answer. */
  first_block_s: number | null;
  /** Attacks: the share refused of the starts made after that answer. */
  refused_after_block_share: number | null;
  /** How often each signal was named in the class's FRAUD_SUSPECTED refusals. */
  signals: Record<string, number>;
}

export interface Bar {
  class: TrafficClass;
  bar: string;
  figure: string;
  met: boolean;
}

export interface PumpingReport {
  scenario: 'pumping';
  seed: number;
  duration_s: number;
  scale: number;
  started_at: string;
  wall_s: number;
  currency: string;
  /** Whether the account has an SMS price list; false: every send is priced 0. */
  priced: boolean;
  classes: ClassFigures[];
  /** Legit and spike starts the fraud layer refused, over their starts. */
  legit_blocked_share: number | null;
  /** Burst and slow starts refused, over their starts. */
  attack_blocked_share: number | null;
  bars: Bar[];
  /** Every bar met. */
  met: boolean;
  notes: string[];
}

export interface RunFacts {
  seed: number;
  durationS: number;
  scale: number;
  startedAt: string;
  wallS: number;
  currency: string;
  priced: boolean;
}

const share = (n: number, of: number): number | null => (of > 0 ? n / of : null);
const round = (v: number, digits: number): number => Number(v.toFixed(digits));
const bump = (into: Record<string, number>, key: string, n = 1): void => {
  into[key] = (into[key] ?? 0) + n;
};
const isSent = (x: Outcome): boolean => x.status >= 200 && x.status < 300;
const isRefused = (x: Outcome): boolean => x.status >= 400 && x.status < 500;

function figures(cls: TrafficClass, all: readonly Outcome[]): ClassFigures {
  const xs = all.filter((x) => x.cls === cls);
  const refusedBy: Record<RefusalColumn, number> = { FRAUD_SUSPECTED: 0, COUNTRY_NOT_ALLOWED: 0, RATE_LIMITED: 0, SPEND_CAP_REACHED: 0, other: 0 };
  const unexpected: Record<string, number> = {};
  const signals: Record<string, number> = {};
  for (const x of xs) {
    if (isRefused(x)) {
      const known = (REFUSAL_CODES as readonly string[]).includes(x.code ?? '');
      refusedBy[known ? (x.code as RefusalColumn) : 'other'] += 1;
      if (!known) bump(unexpected, x.code ?? `HTTP ${x.status}`);
      if (x.code === 'FRAUD_SUSPECTED') for (const s of x.signals ?? []) bump(signals, s);
    } else if (!isSent(x)) bump(unexpected, x.status === 0 ? `no answer: ${x.error ?? 'unknown'}` : `HTTP ${x.status}`);
  }
  const sent = xs.filter(isSent);
  const refused = xs.filter(isRefused).length;
  const legit = LEGIT_CLASSES.includes(cls);
  const approved = sent.filter((x) => x.approved === true).length;

  let firstBlockS: number | null = null;
  let afterShare: number | null = null;
  if (ATTACK_CLASSES.includes(cls) && xs.length > 0) {
    const firstStart = Math.min(...xs.map((x) => x.issuedMs));
    const blocks = xs.filter((x) => x.code === 'FRAUD_SUSPECTED');
    if (blocks.length > 0) {
      const firstBlock = Math.min(...blocks.map((x) => x.answeredMs));
      firstBlockS = round((firstBlock - firstStart) / 1000, 1);
      const after = xs.filter((x) => x.issuedMs > firstBlock);
      afterShare = share(after.filter(isRefused).length, after.length);
    }
  }
  return {
    class: cls,
    starts: xs.length,
    sent: sent.length,
    refused,
    refused_by: refusedBy,
    refused_share: share(refused, xs.length),
    errors: xs.length - sent.length - refused,
    unexpected,
    approved: legit ? approved : null,
    conversion: legit ? share(approved, sent.length) : null,
    cut_off: xs.filter((x) => x.cutOff).length,
    spend: round(sent.reduce((s, x) => s + (x.priceMicros ?? 0), 0) / 1e6, 6),
    first_block_s: firstBlockS,
    refused_after_block_share: afterShare,
    signals,
  };
}

export const pct = (v: number | null): string => (v === null ? 'n/a' : `${(v * 100).toFixed(1)}%`);

function attackBars(f: ClassFigures, minRefused: number, maxFirstBlockS: number): Bar[] {
  return [
    {
      class: f.class,
      bar: `≥ ${minRefused * 100}% of sends refused`,
      figure: `${pct(f.refused_share)} (${f.refused} of ${f.starts})`,
      met: f.refused_share !== null && f.refused_share >= minRefused,
    },
    {
      class: f.class,
      bar: `first block ≤ ${maxFirstBlockS} s after it began`,
      figure: f.first_block_s === null ? 'never blocked' : `${f.first_block_s} s`,
      met: f.first_block_s !== null && f.first_block_s <= maxFirstBlockS,
    },
  ];
}

/** Real users must be neither taken for pumping nor rate-limited because of an attack. */
function legitBar(f: ClassFigures): Bar {
  const { FRAUD_SUSPECTED: fraud, COUNTRY_NOT_ALLOWED: geo, RATE_LIMITED: limited } = f.refused_by;
  const failed = share(fraud + geo + limited, f.starts);
  return {
    class: f.class,
    bar: '≤ 1% refused by the fraud layer or rate-limited',
    figure: `${pct(failed)} (FRAUD_SUSPECTED ${fraud}, COUNTRY_NOT_ALLOWED ${geo}, RATE_LIMITED ${limited} of ${f.starts})`,
    met: failed !== null && failed <= 0.01,
  };
}

export function tally(outcomes: readonly Outcome[], run: RunFacts): PumpingReport {
  const classes = TRAFFIC_CLASSES.map((c) => figures(c, outcomes));
  const of = (c: TrafficClass) => classes.find((f) => f.class === c) as ClassFigures;
  const legit = classes.filter((f) => LEGIT_CLASSES.includes(f.class));
  const attacks = classes.filter((f) => ATTACK_CLASSES.includes(f.class));
  const sum = (fs: ClassFigures[], pick: (f: ClassFigures) => number) => fs.reduce((s, f) => s + pick(f), 0);
  const bars = [...attackBars(of('burst'), 0.95, 20), ...attackBars(of('slow'), 0.8, 60), legitBar(of('legit')), legitBar(of('spike'))];

  const notes: string[] = [];
  const errors = sum(classes, (f) => f.errors);
  if (errors > 0) notes.push(`${errors} start(s) got no answer or a 5xx: the figures are not trustworthy.`);
  const other = sum(classes, (f) => f.refused_by.other);
  if (other > 0) notes.push(`${other} start(s) were refused for another reason (see \`unexpected\` in the JSON line).`);
  const cut = sum(classes, (f) => f.cut_off);
  if (cut > 0) notes.push(`${cut} person(s) had not typed their code by the hard stop; they count as not approved.`);
  if (!run.priced) notes.push('The account has no SMS price list, so every send is priced 0.');

  return {
    scenario: 'pumping',
    seed: run.seed,
    duration_s: run.durationS,
    scale: run.scale,
    started_at: run.startedAt,
    wall_s: round(run.wallS, 1),
    currency: run.currency,
    priced: run.priced,
    classes,
    legit_blocked_share: share(
      sum(legit, (f) => f.refused_by.FRAUD_SUSPECTED + f.refused_by.COUNTRY_NOT_ALLOWED),
      sum(legit, (f) => f.starts),
    ),
    attack_blocked_share: share(
      sum(attacks, (f) => f.refused),
      sum(attacks, (f) => f.starts),
    ),
    bars,
    met: bars.every((b) => b.met),
    notes,
  };
}
