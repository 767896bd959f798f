import { redisMicros } from './server-clock.js';

/**
 * A bucket script's reply (see redis-scripts.ts), read: whether the fence turned it away, what it
 * granted, when Redis ran it (its clock, µs), and the level before and after. A fenced reply has
 * `level` only when the bucket exists, and no `before`: it wrote nothing.
 *
 * @example
 * ```ts
 * const reply: BucketReply = readBucketReply([1, 5, '1700000000', '0', 495, 500]);
 * reply.level - reply.before!; // -5
 * ```
 */
export interface BucketReply {
  readonly late: boolean;
  readonly allowed: boolean;
  readonly taken: number;
  readonly serverMicros: number;
  readonly level: number | undefined;
  readonly before: number | undefined;
}

/**
 * Reads a spend or credit script's `{tag, taken, seconds, micros, level, before}`.
 *
 * @throws when the reply has another shape: the store then treats Redis as failing, and falls back.
 * @example
 * ```ts
 * readBucketReply(['late', 0, '1700000000', '0', '480']).late; // true
 * ```
 */
export function readBucketReply(raw: unknown): BucketReply {
  if (!Array.isArray(raw) || raw.length < 4) throw new Error(`unexpected reply from a budget script: ${String(raw)}`);
  const late = raw[0] === 'late';
  return {
    late,
    allowed: !late && Number(raw[0]) === 1,
    taken: late ? 0 : Number(raw[1]),
    serverMicros: redisMicros([raw[2], raw[3]]),
    level: optionalNumber(raw[4]),
    before: late ? undefined : optionalNumber(raw[5]),
  };
}

/**
 * A read's `{seconds, micros, value}` (the TIME probe's `{seconds, micros}` too): Redis's clock,
 * and the stored value as a number, or undefined when nothing is stored.
 *
 * @throws when the reply has another shape.
 * @example
 * ```ts
 * readValueReply(['1700000000', '0', '480']); // { serverMicros: 1700000000000000, value: 480 }
 * ```
 */
export function readValueReply(raw: unknown): { readonly serverMicros: number; readonly value: number | undefined } {
  if (!Array.isArray(raw) || raw.length < 2) throw new Error(`unexpected reply from a budget script: ${String(raw)}`);
  return { serverMicros: redisMicros([raw[0], raw[1]]), value: optionalNumber(raw[2]) };
}

function optionalNumber(value: unknown): number | undefined {
  if (value === null || value === undefined || value === false) return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}
