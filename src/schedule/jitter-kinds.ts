import { additiveJitterKind } from './jitters/additive.js';
import { decorrelatedJitterKind } from './jitters/decorrelated.js';
import { equalJitterKind } from './jitters/equal.js';
import { fullJitterKind } from './jitters/full.js';
import { noJitterKind } from './jitters/none.js';
import type { JitterKey, JitterKind, JitterKinds, JitterOf } from './jitter-kind.js';
import type { JitterSpec } from './schedule-spec.js';

/**
 * Every jitter kind, by name or `type`. Typed as {@link JitterKinds}, so a kind added to
 * {@link JitterSpec} without an entry here is a compile error. Key order is the order error
 * messages list the kinds in.
 *
 * @example
 * ```ts
 * JITTER_KINDS.full.compile('full')(1000, 100, 100, 0.25); // 250
 * ```
 */
export const JITTER_KINDS: JitterKinds = {
  none: noJitterKind,
  full: fullJitterKind,
  equal: equalJitterKind,
  decorrelated: decorrelatedJitterKind,
  additive: additiveJitterKind,
};

/**
 * The jitters written as a bare string, in registry order: derived from {@link JITTER_KINDS},
 * so a new named kind is accepted by validation as soon as it is registered.
 *
 * @example
 * ```ts
 * JITTER_NAMES; // ['none', 'full', 'equal', 'decorrelated']
 * ```
 */
export const JITTER_NAMES: readonly string[] = Object.freeze(
  Object.entries(JITTER_KINDS).flatMap(([name, kind]) => (kind.form === 'name' ? [name] : [])),
);

/**
 * The key of a jitter spec in {@link JITTER_KINDS}.
 *
 * @example
 * ```ts
 * jitterKey({ type: 'additive', maxMs: 1000 }); // 'additive'
 * ```
 */
export function jitterKey(spec: JitterSpec): JitterKey<JitterSpec> {
  return typeof spec === 'string' ? spec : spec.type;
}

/**
 * The registry entry for a key, typed for that key's spec. Called with the key of a spec of the
 * whole union, it is typed for the whole union, so `jitterKindOf(jitterKey(spec)).compile(spec)`
 * compiles without a cast.
 *
 * @example
 * ```ts
 * jitterKindOf(jitterKey(spec)).compile(spec);
 * ```
 */
export function jitterKindOf<K extends JitterKey<JitterSpec>>(key: K): JitterKind<JitterOf<K>> {
  return JITTER_KINDS[key];
}
