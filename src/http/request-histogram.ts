import type { Registry } from 'prom-client';

interface Series {
  labels: Record<string, string>;
  buckets: number[]; // non-cumulative counts per upper bound
  sum: number;
  count: number;
}

type Value = { labels: Record<string, string | number>; value: number; metricName: string };

/**
 * The HTTP latency histogram, kept in plain arrays and registered with a prom-client registry
 * as a custom metric. prom-client's own Histogram validates and hashes the label set on every
 * observation, which on this server cost about a fifth of a trivial request; here an
 * observation is one Map lookup and two increments, and the exposition is built only when
 * /metrics is scraped.
 */
export class RequestHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
    registry: Registry,
  ) {
    registry.registerMetric(this as never);
  }

  observe(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`;
    let s = this.series.get(key);
    if (!s) {
      s = { labels: { method, route, status: String(status) }, buckets: new Array<number>(this.bounds.length).fill(0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    const i = this.bounds.findIndex((b) => seconds <= b);
    if (i >= 0) s.buckets[i] = (s.buckets[i] ?? 0) + 1;
    s.sum += seconds;
    s.count += 1;
  }

  get(): { name: string; help: string; type: string; aggregator: string; values: Value[] } {
    const values: Value[] = [];
    for (const s of this.series.values()) {
      let cumulative = 0;
      this.bounds.forEach((le, i) => {
        cumulative += s.buckets[i] ?? 0;
        values.push({ labels: { ...s.labels, le }, value: cumulative, metricName: `${this.name}_bucket` });
      });
      values.push({ labels: { ...s.labels, le: '+Inf' }, value: s.count, metricName: `${this.name}_bucket` });
      values.push({ labels: s.labels, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: s.labels, value: s.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.series.clear();
  }
}
