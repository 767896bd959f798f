/**
 * How long to wait before retry number n, as plain data. `attempt` below is the 1-based number
 * of the attempt that just failed.
 *
 * - `list`: `delaysMs[attempt - 1]`; past the end of the list the rule stops (`attempts-exhausted`).
 * - `constant`: `delayMs` every time.
 * - `exponential`: `min(capMs, baseMs · factor^attempt)`, the formula of the AWS Architecture
 *   Blog and of the scraper API's canonical loop (`2^attempt · 1000`, capped at 30 000).
 * - `retry-after`: the server's `Retry-After` hint when it sent one, else `fallback`; with
 *   `mode: 'max'`, the larger of the two (for "60 s or more" rows).
 * - `quota-reset`: wait until the reported quota reset (MWS `x-mws-quota-resetsOn`) when known,
 *   else `fallback`. A reset beyond the policy's `maxDelayMs` stops with `quota-exhausted`.
 *
 * @example
 * ```ts
 * const mws: ScheduleSpec = { type: 'list', delaysMs: [1000, 4000, 10000, 30000] };
 * const canonical: ScheduleSpec = {
 *   type: 'retry-after',
 *   fallback: { type: 'exponential', baseMs: 1000, factor: 2, capMs: 30000 },
 * };
 * ```
 */
export type ScheduleSpec =
  | { readonly type: 'list'; readonly delaysMs: readonly number[] }
  | { readonly type: 'constant'; readonly delayMs: number }
  | { readonly type: 'exponential'; readonly baseMs: number; readonly factor?: number; readonly capMs?: number }
  | { readonly type: 'retry-after'; readonly fallback: ScheduleSpec; readonly mode?: 'prefer' | 'max' }
  | { readonly type: 'quota-reset'; readonly fallback: ScheduleSpec };

/**
 * Randomization applied to a scheduled delay, with `r` in [0, 1) and `d` the scheduled delay:
 *
 * - `'none'`: `d`.
 * - `'full'`: `r · d` (AWS "Full Jitter").
 * - `'equal'`: `d/2 + r · d/2` (AWS "Equal Jitter").
 * - `'decorrelated'`: `base + r · (3 · previous − base)`, where `base` is the schedule's
 *   smallest step and `previous` the previous delay (AWS "Decorrelated Jitter").
 * - `{ type: 'additive', maxMs }`: `d + r · maxMs` (the scraper API's `+ Math.random() * 1000`).
 *
 * A schedule's cap (`capMs`) and the policy's `maxDelayMs` apply after jitter.
 *
 * @example
 * ```ts
 * const full: JitterSpec = 'full';
 * const upToOneSecond: JitterSpec = { type: 'additive', maxMs: 1000 }; // the scraper API's
 * const jittered = mwsPolicy.with({ jitter: full }); // a fleet of MWS clients that do not retry in step
 * ```
 */
export type JitterSpec =
  | 'none'
  | 'full'
  | 'equal'
  | 'decorrelated'
  | { readonly type: 'additive'; readonly maxMs: number };
