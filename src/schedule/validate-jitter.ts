import { isPlainObject } from '../shared/validate.js';
import { rejectUnknownFields, type Fail } from '../shared/fields.js';
import type { ObjectJitterForm } from './jitter-kind.js';
import { JITTER_KINDS, JITTER_NAMES } from './jitter-kinds.js';

/** The object jitters by `type`, looked up by any value: a `type` read from JSON may be anything. */
const OBJECT_FORMS = new Map<unknown, ObjectJitterForm<unknown>>(
  Object.entries(JITTER_KINDS).flatMap(([type, kind]) => (kind.form === 'name' ? [] : [[type, kind.form] as const])),
);
const NAMES: ReadonlySet<unknown> = new Set(JITTER_NAMES);

/** Every way to write a jitter, e.g. `none, full, equal, decorrelated or { type: "additive", maxMs }`. */
const CHOICES = ((): string => {
  const objects = [...OBJECT_FORMS].map(([type, form]) =>
    [`type: ${JSON.stringify(type)}`, ...Object.keys(form.fields).filter((field) => field !== 'type')].join(', '),
  );
  const all = [...JITTER_NAMES, ...objects.map((fields) => `{ ${fields} }`)];
  return all.length === 1 ? `${all[0]}` : `${all.slice(0, -1).join(', ')} or ${all.at(-1)}`;
})();

/**
 * Checks an untrusted jitter (a literal, or JSON from a file) and reports the first problem
 * through `fail`, naming the field path under `field`.
 *
 * @param jitter - the value to check
 * @param field - its field path, e.g. `jitter`
 * @param fail - reports a problem and throws (validate-policy's throws a PolicyError)
 * @example
 * ```ts
 * validateJitterSpec('fuzzy', 'jitter', fail);
 * // fail('jitter', 'fuzzy', 'must be one of none, full, equal, decorrelated or { type: "additive", maxMs }')
 * ```
 */
export function validateJitterSpec(jitter: unknown, field: string, fail: Fail): void {
  if (typeof jitter === 'string') {
    if (!NAMES.has(jitter)) fail(field, jitter, `must be one of ${CHOICES}`);
    return;
  }
  if (!isPlainObject(jitter)) fail(field, jitter, `must be one of ${CHOICES}`);
  const form = OBJECT_FORMS.get(jitter['type']);
  if (form === undefined) fail(field, jitter, `must be one of ${CHOICES}`);
  rejectUnknownFields(jitter, form.fields, `${field}.`, fail);
  form.validate(jitter, { field, fail });
}
