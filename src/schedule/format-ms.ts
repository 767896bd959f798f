/**
 * A duration for people: `500 ms`, `1 s`, `2.5 s`, `5 min`. It lives with the schedules because
 * every kind's description is written with it.
 *
 * @example
 * ```ts
 * formatMs(30_000); // '30 s'
 * ```
 */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms >= 120_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 100) / 10} s`;
}
