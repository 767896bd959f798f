import { MAX_TIMER_DELAY_MS } from '../shared/limits.js';
import type { JitterKey, JitterOf } from '../schedule/jitter-kind.js';
import { JITTER_KINDS, JITTER_NAMES } from '../schedule/jitter-kinds.js';
import type { ScheduleOf } from '../schedule/schedule-kind.js';
import { SCHEDULE_KINDS, SCHEDULE_TYPES } from '../schedule/schedule-kinds.js';
import type { JitterSpec, ScheduleSpec } from '../schedule/schedule-spec.js';
import { closedObject, optional, ref, required, type FieldSchema, type FieldSchemas, type JsonSchema, type PolicySchemaDefinition } from './policy-schema-json.js';

/**
 * The schedule and jitter parts of the policy file schema, built from the registries in
 * `schedule/`: the kinds, their order and each kind's fields come from `SCHEDULE_KINDS` and
 * `JITTER_KINDS`; only each field's value schema is written here, in records typed over the spec
 * unions, so a kind or a field added there without a schema here fails to compile.
 */

/** The growth factor bounds of exponentialSchedule's check (schedule/kinds/exponential.ts). */
const FACTOR = { min: 1, max: 100, default: 2 } as const;

/**
 * A delay in milliseconds: what `checkDelay` accepts when the policy sets no `maxDelayMs`. The
 * schema cannot compare a delay with the file's own `maxDelayMs`; `definePolicy` does.
 */
const DELAY_MS: JsonSchema = {
  type: 'number',
  minimum: 0,
  maximum: MAX_TIMER_DELAY_MS,
  description: `Milliseconds, 0 or more, at most the policy's maxDelayMs (and never above ${MAX_TIMER_DELAY_MS}, the largest timer delay).`,
};

/** The `mode`s of a retry-after schedule, as a record over the spec's type so neither drifts. */
const RETRY_AFTER_MODES: { readonly [M in NonNullable<ScheduleOf<'retry-after'>['mode']>]: true } = { prefer: true, max: true };

/** Each schedule kind's fields besides `type`, with their value schemas. */
const SCHEDULE_FIELDS: { readonly [K in ScheduleSpec['type']]: FieldSchemas<Omit<ScheduleOf<K>, 'type'>> } = {
  list: {
    delaysMs: required({
      type: 'array',
      minItems: 1,
      items: ref('delayMs'),
      description: 'The wait after attempt 1, 2, ...; past the end of the list the row stops (attempts-exhausted).',
    }),
  },
  constant: { delayMs: required(ref('delayMs', 'The wait before every retry.')) },
  exponential: {
    baseMs: required(ref('delayMs', 'The wait is min(capMs, baseMs · factor^attempt).')),
    factor: optional({ type: 'number', minimum: FACTOR.min, maximum: FACTOR.max, default: FACTOR.default, description: 'The growth per attempt.' }),
    capMs: optional(ref('delayMs', 'The longest wait, applied after jitter.')),
  },
  'retry-after': {
    fallback: required(ref('stepSchedule', 'The schedule when the server sent no Retry-After (not itself a hint schedule).')),
    mode: optional({
      type: 'string',
      enum: Object.keys(RETRY_AFTER_MODES),
      default: 'prefer',
      description: 'prefer: the hint when present; max: the larger of the hint and the fallback.',
    }),
  },
  'quota-reset': {
    fallback: required(ref('stepSchedule', 'The schedule when the quota reset is unknown (not itself a hint schedule).')),
  },
};

/** What each schedule kind does, shown on hover over its `type`. */
const SCHEDULE_DESCRIPTIONS: { readonly [K in ScheduleSpec['type']]: string } = {
  list: 'delaysMs[attempt - 1]; past the end of the list the row stops.',
  constant: 'delayMs every time.',
  exponential: 'min(capMs, baseMs · factor^attempt).',
  'retry-after': "The server's Retry-After hint when it sent one, else the fallback.",
  'quota-reset': 'Until the reported quota reset when known, else the fallback; a reset beyond maxDelayMs stops the call.',
};

/** The object jitters' keys (`additive`): the named ones need no fields. */
type ObjectJitterKey = JitterKey<Exclude<JitterSpec, string>>;

/** Each object jitter's fields besides `type`, with their value schemas. */
const JITTER_FIELDS: { readonly [K in ObjectJitterKey]: FieldSchemas<Omit<JitterOf<K>, 'type'>> } = {
  additive: {
    // Bounded by the timer limit only: validation does not compare it with maxDelayMs (the cap applies after jitter).
    maxMs: required({ type: 'number', minimum: 0, maximum: MAX_TIMER_DELAY_MS, description: 'The delay plus uniform in [0, maxMs).' }),
  },
};

/** A kind whose fields include a `fallback` is a hint schedule: a hint's fallback may not be another. */
const isHintKind = (type: string): boolean => Object.hasOwn(SCHEDULE_KINDS[type as ScheduleSpec['type']].fields, 'fallback');

/**
 * The shared definitions for schedules and jitters: `delayMs`, `schedule` (every kind),
 * `stepSchedule` (the kinds a hint schedule may fall back to) and `jitter`.
 *
 * @example
 * ```ts
 * Object.keys(scheduleDefinitions()); // ['delayMs', 'schedule', 'stepSchedule', 'jitter']
 * ```
 */
export function scheduleDefinitions(): { readonly [D in Extract<PolicySchemaDefinition, 'delayMs' | 'schedule' | 'stepSchedule' | 'jitter'>]: JsonSchema } {
  return {
    delayMs: DELAY_MS,
    schedule: scheduleUnion(SCHEDULE_TYPES, 'How long to wait before each retry.'),
    stepSchedule: scheduleUnion(
      SCHEDULE_TYPES.filter((type) => !isHintKind(type)),
      'A schedule without a server hint: the fallback of a retry-after or quota-reset schedule.',
    ),
    jitter: jitterSchema(),
  };
}

/**
 * An object whose `type` is one of `types`, then that kind's fields: an `if`/`then` per kind
 * rather than a `oneOf`, so an editor reports the one kind's problem instead of every kind's.
 */
function scheduleUnion(types: readonly string[], description: string): JsonSchema {
  return {
    type: 'object',
    description,
    required: ['type'],
    properties: { type: { type: 'string', enum: types, description: `One of ${types.join(', ')}.` } },
    allOf: types.map((type) => {
      const kind = type as ScheduleSpec['type'];
      const fields = SCHEDULE_FIELDS[kind] as Readonly<Record<string, FieldSchema>>;
      return {
        if: { type: 'object', properties: { type: { const: type } }, required: ['type'] },
        then: closedObject(
          Object.keys(SCHEDULE_KINDS[kind].fields),
          (field) => (field === 'type' ? required({ const: type, description: SCHEDULE_DESCRIPTIONS[kind] }) : fields[field]!),
        ),
      };
    }),
  };
}

/** A named jitter (`'full'`) or an object jitter (`{ type: 'additive', maxMs }`), as the registry lists them. */
function jitterSchema(): JsonSchema {
  const objectTypes = Object.entries(JITTER_KINDS).flatMap(([type, kind]) => (kind.form === 'name' ? [] : [type as ObjectJitterKey]));
  const objects: JsonSchema[] = objectTypes.map((type) => {
    const form = JITTER_KINDS[type].form;
    const fields = JITTER_FIELDS[type] as Readonly<Record<string, FieldSchema>>;
    return closedObject(Object.keys(form.fields), (field) => (field === 'type' ? required({ const: type }) : fields[field]!));
  });
  return {
    description: `Randomization of the wait: ${[...JITTER_NAMES, ...objectTypes.map((type) => `{ "type": "${type}", ... }`)].join(', ')}.`,
    anyOf: [{ type: 'string', enum: JITTER_NAMES }, ...objects],
  };
}
