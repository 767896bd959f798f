import type { Quota } from '../failure.js';
import { readHeader } from '../headers.js';
import { millisUntil } from '../retry-after.js';
import { asFiniteNumber } from '../safe-read.js';
import type { HintReader } from './reader.js';

/**
 * Amazon MWS quota headers: `x-mws-quota-max`, `x-mws-quota-remaining` and
 * `x-mws-quota-resetsOn` (a date; also given as milliseconds from `now`). Values that are not
 * numbers or dates are left out; none of the three readable is no hint.
 *
 * @example
 * ```ts
 * mwsQuotaHint.read(
 *   { 'x-mws-quota-max': '200', 'x-mws-quota-remaining': '0', 'x-mws-quota-resetsOn': '2024-01-10T12:30:00.000Z' },
 *   Date.parse('2024-01-10T12:00:00.000Z'),
 * ); // { max: 200, remaining: 0, resetsAt: 1704889800000, resetsInMs: 1800000 }
 * ```
 */
export const mwsQuotaHint: HintReader<'quota'> = { name: 'mws-quota', field: 'quota', read: readQuota };

function readQuota(headers: unknown, now: number): Quota | undefined {
  const max = asFiniteNumber(readHeader(headers, 'x-mws-quota-max'));
  const remaining = asFiniteNumber(readHeader(headers, 'x-mws-quota-remaining'));
  const resetsOn = readHeader(headers, 'x-mws-quota-resetsOn');
  const parsed = resetsOn === undefined ? Number.NaN : Date.parse(resetsOn);
  const resetsAt = Number.isFinite(parsed) ? parsed : undefined;
  if (max === undefined && remaining === undefined && resetsAt === undefined) return undefined;
  const quota: { -readonly [K in keyof Quota]: Quota[K] } = {};
  if (max !== undefined) quota.max = max;
  if (remaining !== undefined) quota.remaining = remaining;
  if (resetsAt !== undefined) {
    quota.resetsAt = resetsAt;
    const resetsInMs = millisUntil(resetsAt, now);
    if (resetsInMs !== undefined) quota.resetsInMs = resetsInMs;
  }
  return quota;
}
