/** The pumping report as people read it (a Markdown table and the bars) and as scripts read it (one JSON line). */
import { type ClassFigures, type PumpingReport, pct } from './tally.js';
import { BEGINS, RATES, SLOW_MIN_STARTS, SPIKE_S, slowRate } from './traffic.js';

const cell = (v: number | string | null): string => (v === null ? '–' : String(v));

function row(f: ClassFigures): string {
  const by = f.refused_by;
  return `| ${f.class} | ${f.starts} | ${f.sent} | ${f.refused} (${pct(f.refused_share)}) | ${by.FRAUD_SUSPECTED} | ${by.COUNTRY_NOT_ALLOWED} | ${by.RATE_LIMITED} | ${by.SPEND_CAP_REACHED} | ${by.other} | ${f.errors} | ${cell(f.approved)} | ${f.conversion === null ? '–' : pct(f.conversion)} | ${f.spend} | ${f.first_block_s === null ? '–' : `${f.first_block_s} s`} | ${f.refused_after_block_share === null ? '–' : pct(f.refused_after_block_share)} |`;
}

function signals(f: ClassFigures): string | undefined {
  const named = Object.entries(f.signals).sort((a, b) => b[1] - a[1]);
  return named.length ? `- ${f.class}: ${named.map(([s, n]) => `${s} ${n}`).join(', ')}` : undefined;
}

/** What the traffic was, at the run's scale, so a table can be read without the source. */
function traffic(r: PumpingReport): string[] {
  const d = r.duration_s;
  const at = (share: number) => `${Math.round(share * d)} s`;
  const rate = (perS: number) => `${Number((perS * r.scale).toFixed(2))}/s`;
  return [
    `- **legit**: ${rate(RATES.legit)} for the whole run: UK mobiles over many ranges (a tenth Irish or French), each from a home address (a tenth shared with an earlier user); after 5–30 s, 80% type the code, 8% a wrong one and then the right one, 12% never do.`,
    `- **spike**: a campaign, ${rate(RATES.spike)} more UK users from ${at(BEGINS.spike)} for ${SPIKE_S} s, each from an address of their own, behaving as legit.`,
    `- **burst**: from ${at(BEGINS.burst)} to the end, ${rate(RATES.burst)} to random numbers in two mobile ranges each of Kyrgyzstan, Tajikistan, Guinea and Papua New Guinea, a new address each time, no code ever typed.`,
    `- **slow**: from ${at(BEGINS.slow)} to the end, one start every ${Number((1 / slowRate(d, r.scale)).toFixed(1))} s (${(1 / RATES.slow).toFixed(0)} s at scale 1, faster when needed to make at least ${SLOW_MIN_STARTS} starts), one to three numbers at a step through one thousand-number block of a UK mobile range, a new address each time, no code ever typed.`,
  ];
}

export function markdown(r: PumpingReport): string {
  const lines = [
    `Seed ${r.seed}, ${r.duration_s} s of starts at scale ${r.scale}, from ${r.started_at}; with the people who typed their codes afterwards, the traffic ran ${r.wall_s} s. Spend is in ${r.currency}.`,
    '',
    ...traffic(r),
    '',
    '| Class | Starts | Sent | Refused | FRAUD_SUSPECTED | COUNTRY_NOT_ALLOWED | RATE_LIMITED | SPEND_CAP_REACHED | Other | Errors | Approved | Conversion | Spend | First block | Refused after it |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    ...r.classes.map(row),
    '',
    `Real users' starts refused by the fraud layer (legit and spike): ${pct(r.legit_blocked_share)}. Attack starts refused (burst and slow): ${pct(r.attack_blocked_share)}.`,
    '',
    '**Bars**',
    '',
    ...r.bars.map((b) => `- ${b.met ? 'met' : '**not met**'}: ${b.class}, ${b.bar}: ${b.figure}`),
  ];
  const named = r.classes.map(signals).filter((s): s is string => s !== undefined);
  if (named.length) lines.push('', 'Signals named in the FRAUD_SUSPECTED refusals (a refusal names several):', '', ...named);
  if (r.notes.length) lines.push('', ...r.notes.map((n) => `- ${n}`));
  return `${lines.join('\n')}\n`;
}

export function jsonLine(r: PumpingReport): string {
  return `${JSON.stringify(r)}\n`;
}

/** The file `--write` keeps: what produced it, then the report. */
export function document(r: PumpingReport, command: string, target: string): string {
  return [
    '# Simulation: SMS pumping',
    '',
    `Produced by \`${command}\` on ${r.started_at.slice(0, 10)} (seed ${r.seed}, duration ${r.duration_s} s, scale ${r.scale}),`,
    `against ${target}. The traffic is planned in \`sim/traffic.ts\`; how each figure is counted is in \`sim/tally.ts\`.`,
    '',
    '## Report',
    '',
    markdown(r),
  ].join('\n');
}
