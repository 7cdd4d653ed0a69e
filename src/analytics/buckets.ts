/**
 * Histogram buckets for the times the rollups keep: a bucket is the index of the first bound a
 * time does not exceed. Percentiles are read back by linear interpolation inside their bucket,
 * so they are estimates whose error is at most the bucket's width.
 */
export const APPROVAL_BOUNDS_S = [5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 300, 600, 900, 1800, 3600, Number.POSITIVE_INFINITY] as const;
export const RECEIPT_BOUNDS_MS = [250, 500, 1000, 2000, 3000, 5000, 10_000, 20_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, Number.POSITIVE_INFINITY] as const;

export function bucketOf(bounds: readonly number[], value: number): number {
  for (let i = 0; i < bounds.length; i++) if (value <= (bounds[i] as number)) return i;
  return bounds.length - 1;
}

/** The `q` quantile (0–1) of a histogram (bucket → count), or null when it is empty. */
export function quantile(bounds: readonly number[], counts: ReadonlyMap<number, number>, q: number): number | null {
  let total = 0;
  for (const n of counts.values()) total += n;
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < bounds.length; i++) {
    const n = counts.get(i) ?? 0;
    if (n === 0) continue;
    const lower = i === 0 ? 0 : (bounds[i - 1] as number);
    const upper = bounds[i] as number;
    if (seen + n >= rank) {
      // The open last bucket has no width: its lower bound is all that is known.
      if (!Number.isFinite(upper)) return lower;
      return lower + ((upper - lower) * (rank - seen)) / n;
    }
    seen += n;
  }
  return bounds.at(-2) ?? null;
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export type Grain = 'h' | 'd';

/** The start (UTC) of the hour or day `at` falls in. */
export function periodOf(grain: Grain, at: number): number {
  const size = grain === 'h' ? HOUR_MS : DAY_MS;
  return Math.floor(at / size) * size;
}
