import { Counter, type Registry } from 'prom-client';

/**
 * A Prometheus counter for the hot path: an increment adds to a plain number kept per label
 * tuple, and the counts move into prom-client when the registry is read. prom-client's own
 * increment hashes and checks the labels every time, even through `labels()`. The tuples are
 * the few values a label can take (channels, outcomes, reasons), so the map stays small.
 */
export class TallyCounter<L extends string> {
  private readonly pending = new Map<string, { labels: Record<L, string>; n: number }>();

  constructor(opts: { name: string; help: string; labelNames: readonly L[]; registry: Registry }) {
    const pending = this.pending;
    new Counter<L>({
      name: opts.name,
      help: opts.help,
      labelNames: opts.labelNames,
      registers: [opts.registry],
      collect() {
        for (const p of pending.values()) {
          if (p.n === 0) continue;
          this.inc(p.labels as never, p.n);
          p.n = 0;
        }
      },
    });
  }

  /** `key`: the label values joined, one string per tuple (the caller's, so nothing is built twice). */
  inc(key: string, labels: () => Record<L, string>): void {
    const p = this.pending.get(key);
    if (p) p.n += 1;
    else this.pending.set(key, { labels: labels(), n: 1 });
  }
}
