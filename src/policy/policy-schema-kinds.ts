import { MAX_TIMER_DELAY_MS } from '../shared/limits.js';
import { JITTER_FIELDS, JITTER_NAMES, type JitterSpec } from '../schedule/jitter.js';
import { SCHEDULE_FIELDS, SCHEDULE_TYPES, type ScheduleSpec } from '../schedule/schedules.js';
import { closedObject, optional, ref, required, type FieldSchema, type FieldSchemas, type JsonSchema, type PolicySchemaDefinition } from './policy-schema-json.js';

/**
 * The schedule and jitter parts of the policy file schema, built from the field tables in
 * `schedule/`: the kinds, their order and each kind's fields come from `SCHEDULE_FIELDS` and
 * `JITTER_FIELDS`; only each field's value schema is written here, in records typed over the spec
 * unions, so a kind or a field added there without a schema here fails to compile.
 */

type ScheduleOf<K extends ScheduleSpec['type']> = Extract<ScheduleSpec, { readonly type: K }>;
type JitterOf<K extends ObjectJitterKey> = Extract<JitterSpec, { readonly type: K }>;

/** The growth factor bounds of exponentialSchedule's check (schedule/schedules.ts). */
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
const SCHEDULE_FIELD_SCHEMAS: { readonly [K in ScheduleSpec['type']]: FieldSchemas<Omit<ScheduleOf<K>, 'type'>> } = {
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
type ObjectJitterKey = Exclude<JitterSpec, string>['type'];

/** Each object jitter's fields besides `type`, with their value schemas. */
const JITTER_FIELD_SCHEMAS: { readonly [K in ObjectJitterKey]: FieldSchemas<Omit<JitterOf<K>, 'type'>> } = {
  additive: {
    // Bounded by the timer limit only: validation does not compare it with maxDelayMs (the cap applies after jitter).
    maxMs: required({ type: 'number', minimum: 0, maximum: MAX_TIMER_DELAY_MS, description: 'The delay plus uniform in [0, maxMs).' }),
  },
};

/** A kind whose fields include a `fallback` is a hint schedule: a hint's fallback may not be another. */
const isHintKind = (type: string): boolean => Object.hasOwn(SCHEDULE_FIELDS[type as ScheduleSpec['type']], 'fallback');

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
      const fields = SCHEDULE_FIELD_SCHEMAS[kind] as Readonly<Record<string, FieldSchema>>;
      return {
        if: { type: 'object', properties: { type: { const: type } }, required: ['type'] },
        then: closedObject(
          Object.keys(SCHEDULE_FIELDS[kind]),
          (field) => (field === 'type' ? required({ const: type, description: SCHEDULE_DESCRIPTIONS[kind] }) : fields[field]!),
        ),
      };
    }),
  };
}

/** A named jitter (`'full'`) or an object jitter (`{ type: 'additive', maxMs }`), as the registry lists them. */
function jitterSchema(): JsonSchema {
  const objectTypes = Object.keys(JITTER_FIELDS) as ObjectJitterKey[];
  const objects: JsonSchema[] = objectTypes.map((type) => {
    const fields = JITTER_FIELD_SCHEMAS[type] as Readonly<Record<string, FieldSchema>>;
    return closedObject(Object.keys(JITTER_FIELDS[type]), (field) => (field === 'type' ? required({ const: type }) : fields[field]!));
  });
  return {
    description: `Randomization of the wait: ${[...JITTER_NAMES, ...objectTypes.map((type) => `{ "type": "${type}", ... }`)].join(', ')}.`,
    anyOf: [{ type: 'string', enum: JITTER_NAMES }, ...objects],
  };
}
