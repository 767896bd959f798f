import { showKey } from './validate.js';

/**
 * Reports a problem with a spec's field and throws. The schedule layer never builds its own
 * error: the caller passes one (validate-policy's throws a PolicyError naming policy and row).
 *
 * @example
 * ```ts
 * const fail: Fail = (field, value, problem) => {
 *   throw new Error(`${field} ${problem} (got ${String(value)})`);
 * };
 * ```
 */
export type Fail = (field: string, value: unknown, problem: string) => never;

/**
 * Every field a spec of type `S` may have, each as a key set to `true`: written as a record
 * rather than a list so that leaving out a field, or naming one the type lacks, is a compile
 * error. Key order is the order error messages list them in.
 *
 * @example
 * ```ts
 * const fields: FieldSet<{ readonly type: 'constant'; readonly delayMs: number }> = { type: true, delayMs: true };
 * ```
 */
export type FieldSet<S> = { readonly [F in keyof S]-?: true };

/**
 * Rejects a key that is not in `allowed`, so a misspelled field (`capMS`) fails loudly instead
 * of being ignored.
 *
 * @param record - the spec object
 * @param allowed - its kind's fields
 * @param prefix - the field path of `record` followed by a dot, e.g. `schedule.`
 * @example
 * ```ts
 * rejectUnknownFields({ type: 'constant', delayMS: 1 }, { type: true, delayMs: true }, 'schedule.', fail);
 * // fail('schedule.delayMS', 1, 'is not a known field (known: type, delayMs)')
 * ```
 */
export function rejectUnknownFields(record: Record<string, unknown>, allowed: object, prefix: string, fail: Fail): void {
  for (const key of Object.keys(record)) {
    if (!Object.hasOwn(allowed, key)) {
      fail(`${prefix}${showKey(key)}`, record[key], `is not a known field (known: ${Object.keys(allowed).join(', ')})`);
    }
  }
}

/**
 * Whether `key` is an own key of the closed-set table `table`: a `type` read from JSON may be
 * anything, `toString` and `__proto__` included, and must not find an inherited property.
 *
 * @example
 * ```ts
 * isKeyOf({ list: true }, 'list'); // true
 * isKeyOf({ list: true }, 'toString'); // false
 * ```
 */
export function isKeyOf<T extends object>(table: T, key: unknown): key is keyof T {
  return typeof key === 'string' && Object.hasOwn(table, key);
}
