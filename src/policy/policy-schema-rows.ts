import { FAILURE_KINDS } from '../failure/failure.js';
import { MAX_TIMER_DELAY_MS } from '../shared/limits.js';
import { optional, oneOrList, ref, required, type FieldSchemas, type JsonSchema } from './policy-schema-json.js';
import type { PolicySpec, RuleMatch, RuleSpec, StatusClass } from './policy-spec.js';
import { DEFAULT_MAX_ATTEMPTS, DEFAULT_SCHEDULE } from './validate-policy.js';

/**
 * The table parts of the policy file schema: the policy's, a row's and a match's fields, each a
 * {@link FieldSchemas} record over its spec type (`PolicySpec`, `RuleSpec`, `RuleMatch`), so a
 * field added to a type without a schema here fails to compile, as it does in validate-policy's
 * field sets.
 */

/**
 * validate-policy's sanity bound on `maxAttempts` and `maxRetries` (not exported there). The
 * schema tests pin both edges of every range against `definePolicy`, so the two cannot drift.
 */
const MAX_ATTEMPTS_LIMIT = 1000;

/** The status classes, as a record over {@link StatusClass} so a class added to the type is listed. */
const STATUS_CLASSES: { readonly [C in StatusClass]: true } = { '1xx': true, '2xx': true, '3xx': true, '4xx': true, '5xx': true };

/** A string `definePolicy` does not reject as blank: it holds a character `trim()` keeps (`\S` is exactly those). */
const NOT_BLANK: JsonSchema = { type: 'string', pattern: '\\S' };

/** Fields of a {@link RuleMatch}: every field given must match, a list matches any of its values. */
const MATCH_FIELDS: FieldSchemas<RuleMatch> = {
  code: optional(oneOrList({ type: 'string', minLength: 1 }, "The server's error code or a network code (ECONNRESET), compared exactly.")),
  status: optional(
    oneOrList(
      { anyOf: [{ type: 'integer', minimum: 100, maximum: 599 }, { type: 'string', enum: Object.keys(STATUS_CLASSES) }] },
      'An HTTP status from 100 to 599, or a class such as "5xx".',
    ),
  ),
  kind: optional(oneOrList({ type: 'string', enum: FAILURE_KINDS }, `The failure kind: ${FAILURE_KINDS.join(', ')}.`)),
};

/** Fields of a {@link RuleSpec}, one row of the table. */
const RULE_FIELDS: FieldSchemas<RuleSpec> = {
  id: optional({ ...NOT_BLANK, description: 'A unique name for the row, used in decisions, errors and docs (default: derived from match).' }),
  match: required(ref('match', 'What the row matches; {} matches every failure (the catch-all row, last).')),
  retry: required({ type: 'boolean', description: 'Whether a matching failure is retried; false stops with reason not-retryable.' }),
  schedule: optional(ref('schedule', "The wait before each retry (default: the policy's schedule).")),
  jitter: optional(ref('jitter', "Randomization of the wait (default: the policy's jitter).")),
  maxRetries: optional({
    type: 'integer',
    minimum: 0,
    maximum: MAX_ATTEMPTS_LIMIT,
    description: "This row's own limit: no retry once this many retries were made in the call. maxAttempts applies as well.",
  }),
  note: optional({ type: 'string', description: 'The human reason for the row, shown in docs and by explain.' }),
  coolDown: optional({
    type: 'boolean',
    default: false,
    description: 'A throttling row: when it retries on a server hint, every call sharing the retry budget waits until the hint expires.',
  }),
  idempotent: optional({
    type: 'boolean',
    default: true,
    description: 'false: a failure that may have been processed (reset after sending, timeout, 500) stops with unsafe-to-retry.',
  }),
};

/** Fields of a {@link PolicySpec}, the whole file. */
const POLICY_FIELDS: FieldSchemas<PolicySpec> = {
  name: required({ ...NOT_BLANK, description: "The policy's name, used in errors and docs." }),
  description: optional({ type: 'string', description: 'A description shown in docs.' }),
  maxAttempts: optional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_ATTEMPTS_LIMIT,
    default: DEFAULT_MAX_ATTEMPTS,
    description: 'Total attempts allowed in one call, the first included.',
  }),
  maxDelayMs: optional({
    type: 'integer',
    minimum: 0,
    maximum: MAX_TIMER_DELAY_MS,
    default: MAX_TIMER_DELAY_MS,
    description: 'The longest single wait: a longer server hint stops the call; no delay of a schedule may exceed it.',
  }),
  schedule: optional({ ...ref('schedule', 'The schedule of rows that give none.'), default: DEFAULT_SCHEDULE }),
  // The default on the policy's field only: a row's jitter defaults to the policy's, not to 'none'.
  jitter: optional({ ...ref('jitter', 'The jitter of rows that give none.'), default: 'none' }),
  rules: required({
    type: 'array',
    minItems: 1,
    items: ref('rule'),
    description: 'The rows, tried in order: the first match wins.',
  }),
};

/**
 * The field schemas of the policy, of a row and of a match, for the schema's assembly.
 *
 * @example
 * ```ts
 * Object.keys(tableFieldSchemas().rule); // ['id', 'match', 'retry', 'schedule', 'jitter', 'maxRetries', 'note', 'coolDown', 'idempotent']
 * ```
 */
export function tableFieldSchemas(): {
  readonly policy: FieldSchemas<PolicySpec>;
  readonly rule: FieldSchemas<RuleSpec>;
  readonly match: FieldSchemas<RuleMatch>;
} {
  return { policy: POLICY_FIELDS, rule: RULE_FIELDS, match: MATCH_FIELDS };
}
