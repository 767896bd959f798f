import type { Fail, FieldSet } from '../shared/fields.js';
import type { JitterSpec } from './schedule-spec.js';

/**
 * A compiled jitter: the jittered delay, from the scheduled delay, the schedule's smallest step
 * (`base` of decorrelated jitter), the call's previous delay and a random number in [0, 1).
 * Applies no cap: the caller caps after jitter.
 *
 * @example
 * ```ts
 * const full: JitterFunction = (delayMs, _baseMs, _previousMs, random) => random * delayMs;
 * ```
 */
export type JitterFunction = (delayMs: number, baseMs: number, previousMs: number, random: number) => number;

/**
 * What an object jitter's check is given: where the jitter sits and how to report a problem.
 *
 * @example
 * ```ts
 * const check: JitterCheck = { field: 'rules[0].jitter', fail };
 * ```
 */
export interface JitterCheck {
  /** The jitter's field path, e.g. `jitter`. */
  readonly field: string;
  /** Reports a problem at a field path and throws. */
  readonly fail: Fail;
}

/**
 * How an object jitter (`{ type: 'additive', maxMs }`) is written: its fields, and the check of
 * their values once unknown fields are rejected.
 *
 * @example
 * ```ts
 * const form: ObjectJitterForm<{ readonly type: 'additive'; readonly maxMs: number }> = {
 *   fields: { type: true, maxMs: true },
 *   validate: (spec, { field, fail }) => { if (typeof spec['maxMs'] !== 'number') fail(`${field}.maxMs`, spec['maxMs'], 'must be a number'); },
 * };
 * ```
 */
export interface ObjectJitterForm<J> {
  /** The fields the object may have; any other field is rejected before `validate`. */
  readonly fields: FieldSet<J>;
  /** Checks the object's field values; reports through `check.fail`. */
  readonly validate: (spec: Record<string, unknown>, check: JitterCheck) => void;
}

/**
 * How a jitter of spec `J` is written: `'name'` for a bare string (`'full'`), which needs no
 * check beyond the name itself, or an {@link ObjectJitterForm} for an object with a `type`.
 *
 * @example
 * ```ts
 * const form: JitterForm<'full'> = 'name';
 * ```
 */
export type JitterForm<J> = J extends string ? 'name' : ObjectJitterForm<J>;

/**
 * One kind of {@link JitterSpec}: its form (and so its validation) and its algorithm. Its
 * description, for the docs renderers only, is registered apart (`JITTER_DESCRIPTIONS`), so an
 * application that only retries does not bundle it. Members are function-typed properties (not
 * methods) so their parameters are checked strictly: an entry written for one kind does not fit
 * the slot of another.
 *
 * @typeParam J - the spec this kind handles, e.g. `'full'` or `{ type: 'additive'; maxMs: number }`
 * @example
 * ```ts
 * const full: JitterKind<'full'> = {
 *   form: 'name',
 *   compile: () => (delayMs, _baseMs, _previousMs, random) => fullJitter(delayMs, random),
 * };
 * ```
 */
export interface JitterKind<J> {
  /** A bare name, or an object with these fields. */
  readonly form: JitterForm<J>;
  /** The algorithm for a validated spec, built once per row. */
  readonly compile: (spec: J) => JitterFunction;
}

/**
 * A jitter of spec `J` in words, for explain and the README's tables.
 *
 * @example
 * ```ts
 * const describeFull: JitterDescription<'full'> = () => 'full';
 * ```
 */
export type JitterDescription<J> = (spec: J) => string;

/**
 * The key a jitter spec is registered under: a named jitter's name, an object jitter's `type`.
 *
 * @example
 * ```ts
 * type Keys = JitterKey<JitterSpec>; // 'none' | 'full' | 'equal' | 'decorrelated' | 'additive'
 * ```
 */
export type JitterKey<J> = J extends string ? J : J extends { readonly type: infer T extends string } ? T : never;

/**
 * The specs of the union `J` registered under the key `K`.
 *
 * @example
 * ```ts
 * type Additive = JitterOf<'additive'>; // { readonly type: 'additive'; readonly maxMs: number }
 * ```
 */
export type JitterOf<K, J = JitterSpec> = J extends string ? (J extends K ? J : never) : J extends { readonly type: K } ? J : never;

/**
 * A registry with one {@link JitterKind} per key of the union `J`: adding a kind to
 * {@link JitterSpec} without an entry makes the registry fail to compile.
 *
 * @typeParam J - the spec union; {@link JitterSpec} unless a test widens it
 * @example
 * ```ts
 * const registry: JitterKinds = { none, full, equal, decorrelated, additive };
 * ```
 */
export type JitterKinds<J = JitterSpec> = {
  readonly [K in JitterKey<J>]: JitterKind<JitterOf<K, J>>;
};

/**
 * A registry with one {@link JitterDescription} per key of the union `J`: adding a kind to
 * {@link JitterSpec} without a description makes it fail to compile, as {@link JitterKinds} does.
 *
 * @typeParam J - the spec union; {@link JitterSpec} unless a test widens it
 * @example
 * ```ts
 * const descriptions: JitterDescriptions = { none: () => 'none', full: () => 'full', ... };
 * ```
 */
export type JitterDescriptions<J = JitterSpec> = {
  readonly [K in JitterKey<J>]: JitterDescription<JitterOf<K, J>>;
};
