import type { CompiledSchedule } from './compiled-schedule.js';
import type { Fail, FieldSet } from '../shared/fields.js';
import type { ScheduleSpec } from './schedule-spec.js';

/**
 * What a schedule kind's check is given. The schedule layer knows nothing of policies: where
 * the schedule sits, the limit it must respect and how to report a problem all come from the
 * caller.
 *
 * @example
 * ```ts
 * const check: ScheduleCheck = { field: 'schedule', maxDelayMs: 60_000, fail, isFallback: false, checkFallback };
 * ```
 */
export interface ScheduleCheck {
  /** The schedule's field path, e.g. `schedule` or `schedule.fallback`. */
  readonly field: string;
  /** The policy's longest wait: no delay of the schedule may exceed it. */
  readonly maxDelayMs: number;
  /** Reports a problem at a field path and throws. */
  readonly fail: Fail;
  /** Whether this schedule is a hint schedule's fallback (hints do not nest). */
  readonly isFallback: boolean;
  /** Checks a hint schedule's fallback, found at `field`, with the whole registry. */
  readonly checkFallback: (fallback: unknown, field: string) => void;
}

/**
 * One kind of {@link ScheduleSpec}: what the library does with it when it retries (its fields,
 * validation and compiled form). Its description, for the docs renderers only, is a
 * {@link ScheduleDescription} in the same file, registered apart (`SCHEDULE_DESCRIPTIONS`) so an
 * application that only retries does not bundle it. Members are function-typed properties (not
 * methods) so their parameters are checked strictly: an entry written for one kind does not fit
 * the slot of another.
 *
 * @typeParam S - the spec this kind handles, e.g. `{ type: 'constant'; delayMs: number }`
 * @example
 * ```ts
 * const constant: ScheduleKind<{ readonly type: 'constant'; readonly delayMs: number }> = {
 *   fields: { type: true, delayMs: true },
 *   validate: (spec, check) => checkDelay(spec['delayMs'], `${check.field}.delayMs`, check.maxDelayMs, check.fail),
 *   compile: (spec) => ({ hint: 'none', mode: 'prefer', stepDelayMs: () => spec.delayMs, baseMs: spec.delayMs, capMs: undefined }),
 * };
 * ```
 */
export interface ScheduleKind<S extends { readonly type: string }> {
  /** The fields a spec of this kind may have; any other field is rejected before `validate`. */
  readonly fields: FieldSet<S>;
  /** Checks a spec whose `type` is this kind's and whose fields are all known; reports through `check.fail`. */
  readonly validate: (spec: Record<string, unknown>, check: ScheduleCheck) => void;
  /** Flattens a validated spec for decide; a hint kind compiles its fallback with `compileFallback`. */
  readonly compile: (spec: S, compileFallback: (fallback: ScheduleSpec) => CompiledSchedule) => CompiledSchedule;
}

/**
 * A schedule of kind `S` in words, for explain and the README's tables; a hint kind describes its
 * fallback with `describeFallback`.
 *
 * @typeParam S - the spec this description reads
 * @example
 * ```ts
 * const describeConstant: ScheduleDescription<ScheduleOf<'constant'>> = ({ delayMs }) => formatMs(delayMs);
 * ```
 */
export type ScheduleDescription<S> = (spec: S, describeFallback: (fallback: ScheduleSpec) => string) => string;

/**
 * A registry with one {@link ScheduleDescription} per `type` of the union `S`: adding a kind to
 * {@link ScheduleSpec} without a description makes it fail to compile, as {@link ScheduleKinds} does.
 *
 * @typeParam S - the spec union; {@link ScheduleSpec} unless a test widens it
 * @example
 * ```ts
 * const descriptions: ScheduleDescriptions = { list: describeList, constant: describeConstant, ... };
 * ```
 */
export type ScheduleDescriptions<S extends { readonly type: string } = ScheduleSpec> = {
  readonly [K in S['type']]: ScheduleDescription<ScheduleOf<K, S>>;
};

/**
 * The spec of the union `S` whose `type` is `K`.
 *
 * @example
 * ```ts
 * type Constant = ScheduleOf<'constant'>; // { readonly type: 'constant'; readonly delayMs: number }
 * ```
 */
export type ScheduleOf<K extends S['type'], S extends { readonly type: string } = ScheduleSpec> = Extract<S, { readonly type: K }>;

/**
 * A registry with one {@link ScheduleKind} per `type` of the union `S`: adding a kind to
 * {@link ScheduleSpec} without an entry makes the registry fail to compile.
 *
 * @typeParam S - the spec union; {@link ScheduleSpec} unless a test widens it
 * @example
 * ```ts
 * const registry: ScheduleKinds = { list, constant, exponential, 'retry-after': retryAfter, 'quota-reset': quotaReset };
 * ```
 */
export type ScheduleKinds<S extends { readonly type: string } = ScheduleSpec> = {
  readonly [K in S['type']]: ScheduleKind<ScheduleOf<K, S>>;
};
