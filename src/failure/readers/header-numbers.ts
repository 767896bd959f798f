import type { Quota } from '../failure.js';
import { millisUntil } from '../retry-after.js';

/** A plain decimal: digits, optionally a fraction. No sign, no exponent, no spaces inside. */
const DECIMAL = /^(\d+)(?:\.(\d+))?$/;
const COUNT = /^\d+$/;
/** Any nonzero digit: a fraction beyond the milliseconds rounds the wait up, never down. */
const NONZERO = /[1-9]/;

/**
 * A reset value at or above this many seconds is an epoch, not a delay: 1e9 seconds after 1970 is
 * September 2001, and no server asks for a 31-year wait.
 *
 * @example
 * ```ts
 * 1705420800 >= EPOCH_SECONDS_FROM; // true: X's example reset is a timestamp
 * 3 >= EPOCH_SECONDS_FROM; // false: WHOOP's is a delay
 * ```
 */
export const EPOCH_SECONDS_FROM = 1e9;

/**
 * A reset value at or above this is an epoch in milliseconds (1e12 ms is September 2001 too).
 *
 * @example
 * ```ts
 * 1705420800000 >= EPOCH_MS_FROM; // true
 * ```
 */
export const EPOCH_MS_FROM = 1e12;

/**
 * A decimal number of seconds as whole milliseconds, computed from the digits rather than by
 * `Number(text) * 1000`, whose binary rounding turns `0.07` into 70.00000000000001 (and a wait
 * rounded up to 71 ms). A fraction finer than a millisecond rounds up. Huge values are clamped to
 * `Number.MAX_SAFE_INTEGER`, so a policy can still refuse them. Undefined when `text` is not a
 * plain non-negative decimal.
 *
 * @example
 * ```ts
 * secondsToMs('64.57'); // 64570
 * secondsToMs('0.0001'); // 1
 * secondsToMs('-1'); // undefined
 * ```
 */
export function secondsToMs(text: string): number | undefined {
  const match = DECIMAL.exec(text);
  if (match === null) return undefined;
  const fraction = match[2] ?? '';
  const millis = fraction === '' ? 0 : Number((fraction + '00').slice(0, 3)) + (NONZERO.test(fraction.slice(3)) ? 1 : 0);
  return Math.min(Number(match[1]) * 1000 + millis, Number.MAX_SAFE_INTEGER);
}

/**
 * A decimal number of milliseconds as whole milliseconds, rounded up (`retry-after-ms: 1500.5`
 * is 1501). Undefined when `text` is not a plain non-negative decimal.
 *
 * @example
 * ```ts
 * millisecondsOf('1500.5'); // 1501
 * millisecondsOf('soon'); // undefined
 * ```
 */
export function millisecondsOf(text: string): number | undefined {
  const match = DECIMAL.exec(text);
  if (match === null) return undefined;
  const up = match[2] !== undefined && NONZERO.test(match[2]) ? 1 : 0;
  return Math.min(Number(match[1]) + up, Number.MAX_SAFE_INTEGER);
}

/**
 * A count of requests (a limit, the remaining ones): a non-negative integer within the safe
 * range, or undefined.
 *
 * @example
 * ```ts
 * countOf('4999'); // 4999
 * countOf('0.5'); // undefined
 * ```
 */
export function countOf(text: string | undefined): number | undefined {
  if (text === undefined || !COUNT.test(text)) return undefined;
  const count = Number(text);
  return count <= Number.MAX_SAFE_INTEGER ? count : undefined;
}

/**
 * A quota under construction: fields are set only when they have a value, so absent ones stay
 * absent (a Failure compared with `toEqual` gains no `undefined` fields).
 *
 * @example
 * ```ts
 * const quota: QuotaDraft = {};
 * if (limit !== undefined) quota.max = limit;
 * ```
 */
export type QuotaDraft = { -readonly [K in keyof Quota]: Quota[K] };

/**
 * Sets a quota's `resetsAt` and `resetsInMs` from a reset value, telling an epoch from a delay:
 * at or above {@link EPOCH_MS_FROM} it is epoch milliseconds, at or above
 * {@link EPOCH_SECONDS_FROM} epoch seconds, below that delta seconds. An epoch in the past resets
 * in 0 ms, never a negative. `value` is the number as sent (for telling them apart); `valueMs` is
 * the same number times 1000, computed exactly (see {@link secondsToMs}).
 *
 * Why a threshold, and this one: `X-RateLimit-Reset` is epoch seconds at GitHub, X and Discord
 * (with decimals) but delta seconds at WHOOP and in the IETF drafts, and the same header carries
 * both. ky uses `Date.parse('2024-01-01')` as its line; 1e9 also reads epochs from before 2024 (a
 * server with a wrong clock, a test fixture) and is still far above any delay a server means.
 *
 * @example
 * ```ts
 * const quota: QuotaDraft = {};
 * setReset(quota, 1705420800, 1705420800000, Date.parse('2024-01-16T15:59:00Z')); // epoch seconds
 * quota; // { resetsAt: 1705420800000, resetsInMs: 60000 }
 * ```
 */
export function setReset(quota: QuotaDraft, value: number, valueMs: number, now: number): void {
  if (value >= EPOCH_SECONDS_FROM) {
    const resetsAt = value >= EPOCH_MS_FROM ? Math.min(Math.ceil(value), Number.MAX_SAFE_INTEGER) : valueMs;
    quota.resetsAt = resetsAt;
    const resetsInMs = millisUntil(resetsAt, now);
    if (resetsInMs !== undefined) quota.resetsInMs = resetsInMs;
    return;
  }
  setResetIn(quota, valueMs, now);
}

/**
 * Sets a quota's `resetsInMs` from a delay that is always a delay (Discord's
 * `X-RateLimit-Reset-After`), and `resetsAt` from it when `now` is a time.
 *
 * @example
 * ```ts
 * const quota: QuotaDraft = {};
 * setResetIn(quota, 64570, 1000);
 * quota; // { resetsInMs: 64570, resetsAt: 65570 }
 * ```
 */
export function setResetIn(quota: QuotaDraft, delayMs: number, now: number): void {
  quota.resetsInMs = delayMs;
  if (Number.isFinite(now)) quota.resetsAt = Math.min(now + delayMs, Number.MAX_SAFE_INTEGER);
}

/**
 * Sets the reset of a quota from a numeric reset header (`X-RateLimit-Reset`, -05's
 * `RateLimit-Reset`): delta seconds or an epoch, told apart by {@link setReset}. A value that is
 * not a plain non-negative decimal is left out.
 *
 * @example
 * ```ts
 * const quota: QuotaDraft = {};
 * setResetFrom(quota, '1470173023.123', Date.parse('2016-08-02T21:23:00Z')); // Discord's epoch seconds
 * quota; // { resetsAt: 1470173023123, resetsInMs: 43123 }
 * ```
 */
export function setResetFrom(quota: QuotaDraft, text: string | undefined, now: number): void {
  if (text === undefined) return;
  const valueMs = secondsToMs(text);
  if (valueMs !== undefined) setReset(quota, Number(text), valueMs, now);
}

/** A non-negative decimal, also in exponent form (`1e-2`): a rate is a float, not a count. */
const RATE = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A rate in requests per second (SP-API's `x-amzn-RateLimit-Limit: 0.0167`): a positive finite
 * number, or undefined. Zero is not a rate a client can wait for, so it is no hint.
 *
 * @example
 * ```ts
 * rateOf('0.0167'); // 0.0167
 * rateOf('0'); // undefined
 * ```
 */
export function rateOf(text: string | undefined): number | undefined {
  if (text === undefined || !RATE.test(text)) return undefined;
  const rate = Number(text);
  return rate > 0 && Number.isFinite(rate) ? rate : undefined;
}
