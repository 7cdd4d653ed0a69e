/** Wait before attempt `n + 1` after `n` failed ones: doubling from `base` up to `max`, half of it jittered. */
export function backoffMs(n: number, base: number, max: number, random: () => number = Math.random): number {
  const full = Math.min(max, base * 2 ** Math.max(0, n - 1));
  return Math.round(full / 2 + (random() * full) / 2);
}
