import type { Quota } from '../failure.js';
import { readHeader } from '../headers.js';
import { countOf, setReset, setResetFrom, type QuotaDraft } from './header-numbers.js';
import { parseDictionary, parseList, type Member } from './structured-fields.js';

/*
 * The IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers), in the three shapes
 * servers send, read into a Quota. Shared by the quota readers and the wait readers, which read the
 * same fields for different Failure fields.
 *
 * - -08 to -10 (2024-): `RateLimit: "default";r=50;t=30`, a List of service limit items (r
 *   remaining; t seconds until more quota, OPTIONAL), and
 *   `RateLimit-Policy: "burst";q=100;w=60,"daily";q=1000;w=86400` (q quota, w window seconds).
 * - -07 (2023): `RateLimit: limit=100, remaining=50, reset=5`, a Dictionary, with
 *   `RateLimit-Policy: 100;w=10` (the item is the quota).
 * - -05/-06 (2022): separate `RateLimit-Limit: 10`, `RateLimit-Remaining: 1`, `RateLimit-Reset: 7`
 *   fields, with the same `RateLimit-Policy: 10;w=1, 50;w=60`.
 *
 * "Malformed RateLimit header fields MUST be ignored" (-07 to -10): a structured field that does
 * not parse, or whose parameters have the wrong type, gives nothing. -05's separate fields are
 * read one by one, so one bad field does not hide the others ("MAY be ignored" there).
 */

/** The largest SF Integer has 15 digits; times 1000 it passes the safe range, so it is clamped. */
const toMs = (seconds: number): number => Math.min(seconds * 1000, Number.MAX_SAFE_INTEGER);

/** Undefined: the parameter is absent. null: it is there but not a non-negative Integer (malformed). */
function integerParam(member: Member, key: string): number | undefined | null {
  const param = member.params.get(key);
  if (param === undefined) return undefined;
  return param.type === 'integer' && param.value >= 0 ? param.value : null;
}

/** The policy name of a service limit or a policy item (a String by the draft; a Token is taken too). */
function nameOf(member: Member): string | undefined {
  const { value } = member;
  return value.type === 'string' || value.type === 'token' ? value.value : undefined;
}

/**
 * The `RateLimit` field as a quota: -08 to -10's List of service limits, else -07's Dictionary.
 * Of several service limits the one closest to exhaustion is read (the lowest `r`; of those, the
 * longest `t`): it is the one that decides when the next request may go. `withPolicy` also reads
 * `RateLimit-Policy` for the quota (`q`, or -07's item) and the window (`w`); the wait readers do
 * not need it. Undefined when the field is absent or malformed.
 *
 * @param headers - the response headers, in any shape `readHeader` reads
 * @param now - the clock reading, epoch ms
 * @param withPolicy - whether to read `RateLimit-Policy` too
 * @example
 * ```ts
 * readRateLimitField({ RateLimit: '"default";r=0;t=30', 'RateLimit-Policy': '"default";q=100;w=60' }, 0, true);
 * // { max: 100, remaining: 0, resetsInMs: 30000, resetsAt: 30000, windowMs: 60000 }
 * ```
 */
export function readRateLimitField(headers: unknown, now: number, withPolicy: boolean): Quota | undefined {
  const text = readHeader(headers, 'ratelimit');
  if (text === undefined) return undefined;
  const list = parseList(text);
  if (list !== undefined) return fromServiceLimits(list, headers, now, withPolicy);
  const dictionary = parseDictionary(text);
  return dictionary === undefined ? undefined : fromDictionary(dictionary, headers, now, withPolicy);
}

function fromServiceLimits(list: readonly Member[], headers: unknown, now: number, withPolicy: boolean): Quota | undefined {
  let binding: { member: Member; remaining: number | undefined; reset: number | undefined } | undefined;
  for (const member of list) {
    const remaining = integerParam(member, 'r');
    const reset = integerParam(member, 't');
    // A wrong type anywhere makes the whole field malformed. r is REQUIRED by the text, yet the
    // draft's own "Missing Remaining information" example sends `RateLimit: quota;t=1`: so an
    // absent r is taken as "not said", not as malformed.
    if (remaining === null || reset === null || member.value.type === 'inner-list') return undefined;
    if (binding === undefined || closer(remaining, reset, binding.remaining, binding.reset)) binding = { member, remaining, reset };
  }
  if (binding === undefined) return undefined;
  const quota: QuotaDraft = {};
  if (binding.remaining !== undefined) quota.remaining = binding.remaining;
  if (binding.reset !== undefined) setReset(quota, binding.reset, toMs(binding.reset), now);
  if (withPolicy) applyPolicy(quota, headers, nameOf(binding.member), undefined);
  return Object.keys(quota).length === 0 ? undefined : quota;
}

/** Whether a service limit is closer to exhaustion than another: less remaining, then a longer wait. */
function closer(remaining: number | undefined, reset: number | undefined, than: number | undefined, thanReset: number | undefined): boolean {
  const left = remaining ?? Infinity;
  const thanLeft = than ?? Infinity;
  return left < thanLeft || (left === thanLeft && (reset ?? -1) > (thanReset ?? -1));
}

function fromDictionary(dictionary: ReadonlyMap<string, Member>, headers: unknown, now: number, withPolicy: boolean): Quota | undefined {
  const limit = dictionaryInteger(dictionary, 'limit');
  const remaining = dictionaryInteger(dictionary, 'remaining');
  const reset = dictionaryInteger(dictionary, 'reset');
  if (limit === null || remaining === null || reset === null) return undefined;
  if (limit === undefined && remaining === undefined && reset === undefined) return undefined;
  const quota: QuotaDraft = {};
  if (limit !== undefined) quota.max = limit;
  if (remaining !== undefined) quota.remaining = remaining;
  if (reset !== undefined) setReset(quota, reset, toMs(reset), now);
  if (withPolicy) applyPolicy(quota, headers, undefined, limit);
  return quota;
}

/** Undefined: the key is absent. null: present but not a non-negative Integer (malformed). */
function dictionaryInteger(dictionary: ReadonlyMap<string, Member>, key: string): number | undefined | null {
  const member = dictionary.get(key);
  if (member === undefined) return undefined;
  const { value } = member;
  return value.type === 'integer' && value.value >= 0 ? value.value : null;
}

/**
 * Adds the quota and window of the matching `RateLimit-Policy` item: the one named like the
 * service limit (-08 to -10), or whose quota equals the limit (-05 to -07), else the first. The
 * policy is informative ("MAY be ignored"), so a malformed one leaves the quota as it is.
 */
function applyPolicy(quota: QuotaDraft, headers: unknown, name: string | undefined, limit: number | undefined): void {
  const text = readHeader(headers, 'ratelimit-policy');
  if (text === undefined) return;
  const list = parseList(text);
  if (list === undefined || list.length === 0) return;
  let chosen: { quota: number | undefined; window: number | undefined } | undefined;
  for (const member of list) {
    const { value } = member;
    if (value.type === 'inner-list') return;
    // -05 to -07 give the quota as the item itself (`100;w=10`), -08 on as a `q` parameter.
    const itemQuota = value.type === 'integer' ? (value.value >= 0 ? value.value : null) : integerParam(member, 'q');
    const window = integerParam(member, 'w');
    // w "MUST be a non-negative, non-zero, Integer".
    if (itemQuota === null || window === null || window === 0) return;
    const policy = { quota: itemQuota, window };
    chosen ??= policy;
    if ((name !== undefined && nameOf(member) === name) || (limit !== undefined && itemQuota === limit)) {
      chosen = policy;
      break;
    }
  }
  if (chosen === undefined) return;
  if (quota.max === undefined && chosen.quota !== undefined) quota.max = chosen.quota;
  if (chosen.window !== undefined) quota.windowMs = toMs(chosen.window);
}

/**
 * -05/-06's separate fields as a quota: `RateLimit-Limit` and `RateLimit-Remaining` (counts),
 * `RateLimit-Reset` (delta seconds, read with the epoch rule of `setReset`, since some servers put
 * a timestamp there), and the window from `RateLimit-Policy`. Read only when the limit or the
 * remaining count is there; a field that does not parse is left out.
 *
 * @param headers - the response headers, in any shape `readHeader` reads
 * @param now - the clock reading, epoch ms
 * @example
 * ```ts
 * readRateLimitFields({ 'RateLimit-Limit': '10', 'RateLimit-Remaining': '0', 'RateLimit-Reset': '7' }, 0);
 * // { max: 10, remaining: 0, resetsInMs: 7000, resetsAt: 7000 }
 * ```
 */
export function readRateLimitFields(headers: unknown, now: number): Quota | undefined {
  const limitText = readHeader(headers, 'ratelimit-limit');
  const remainingText = readHeader(headers, 'ratelimit-remaining');
  if (limitText === undefined && remainingText === undefined) return undefined;
  const quota: QuotaDraft = {};
  const limit = countOf(limitText);
  if (limit !== undefined) quota.max = limit;
  const remaining = countOf(remainingText);
  if (remaining !== undefined) quota.remaining = remaining;
  setResetFrom(quota, readHeader(headers, 'ratelimit-reset'), now);
  applyPolicy(quota, headers, undefined, limit);
  return Object.keys(quota).length === 0 ? undefined : quota;
}

/**
 * How long until -05/-06's quota is back when `RateLimit-Remaining` is 0: `RateLimit-Reset`, in
 * ms. Undefined otherwise; reads nothing more than `RateLimit-Remaining` when that is absent.
 *
 * @example
 * ```ts
 * rateLimitFieldsWait({ 'RateLimit-Remaining': '0', 'RateLimit-Reset': '7' }, 0); // 7000
 * rateLimitFieldsWait({ 'RateLimit-Remaining': '1', 'RateLimit-Reset': '7' }, 0); // undefined
 * ```
 */
export function rateLimitFieldsWait(headers: unknown, now: number): number | undefined {
  if (countOf(readHeader(headers, 'ratelimit-remaining')) !== 0) return undefined;
  const quota: QuotaDraft = {};
  setResetFrom(quota, readHeader(headers, 'ratelimit-reset'), now);
  return quota.resetsInMs;
}
