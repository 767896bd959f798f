/**
 * Parses an HTTP `Retry-After` value (RFC 9110 §10.2.3) into milliseconds from `nowMs`.
 *
 * Accepts delta-seconds (`"120"`, and leniently `"1.5"`) and HTTP-dates
 * (`"Wed, 21 Oct 2015 07:28:00 GMT"`); a date in the past means "now" (0). Returns undefined for
 * anything else (negative numbers, garbage), so a bad hint falls back to the policy's schedule.
 * Huge values are kept (clamped to `Number.MAX_SAFE_INTEGER`) so the policy can refuse them.
 *
 * @param value - the header value
 * @param nowMs - the current time in epoch milliseconds, from the clock in use
 * @example
 * ```ts
 * parseRetryAfter('3', 0); // 3000
 * parseRetryAfter('Thu, 01 Jan 1970 00:00:10 GMT', 0); // 10000
 * ```
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) {
    return Math.min(Math.ceil(Number(text) * 1000), Number.MAX_SAFE_INTEGER);
  }
  // Only HTTP-date shapes: `Date.parse` alone would also accept "-5" or "1e3" as dates.
  if (!/^[A-Za-z]{3},? /.test(text)) return undefined;
  return millisUntil(Date.parse(text), nowMs);
}

/**
 * Milliseconds from `nowMs` until `epochMs`, never negative; undefined when `epochMs` is not a
 * finite time.
 *
 * @example
 * ```ts
 * millisUntil(5000, 1000); // 4000
 * millisUntil(1000, 5000); // 0: already past
 * ```
 */
export function millisUntil(epochMs: number, nowMs: number): number | undefined {
  if (!Number.isFinite(epochMs) || !Number.isFinite(nowMs)) return undefined;
  return Math.min(Math.max(0, Math.ceil(epochMs - nowMs)), Number.MAX_SAFE_INTEGER);
}
