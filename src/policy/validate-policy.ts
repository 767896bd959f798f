import { FAILURE_KINDS } from '../failure/failure.js';
import { MAX_TIMER_DELAY_MS } from '../shared/limits.js';
import { isIntegerIn, isPlainObject } from '../shared/validate.js';
import { PolicyError } from './policy-error.js';
import type { ScheduleSpec } from '../schedule/schedules.js';
import { validateJitterSpec } from '../schedule/jitter.js';
import { validateScheduleSpec } from '../schedule/schedules.js';
import type { PolicySpec, RuleMatch, RuleSpec, StatusClass } from './policy-spec.js';
import { isStatusClass, ruleId, toList } from './match-fields.js';
import { classOf } from './rule-index.js';
import { rejectUnknownFields, type FieldSet } from '../shared/fields.js';

/** The key editors read a policy file's schema from: `"$schema": "./node_modules/retry-table/policy.schema.json"`. */
const SCHEMA_KEY = '$schema';
const STATUS_CLASSES: readonly string[] = ['1xx', '2xx', '3xx', '4xx', '5xx'];
// Records, not lists: a field added to the spec types but not here (or the reverse) fails to compile.
const POLICY_FIELDS: FieldSet<PolicySpec> = { name: true, rules: true, maxAttempts: true, maxDelayMs: true, schedule: true, jitter: true, description: true };
const RULE_FIELDS: FieldSet<RuleSpec> = { id: true, match: true, retry: true, schedule: true, jitter: true, maxRetries: true, note: true, coolDown: true, idempotent: true };
const MATCH_FIELDS: FieldSet<RuleMatch> = { code: true, status: true, kind: true };
/** A sanity bound: a table asking for more attempts than this is a typo, not a policy. */
const MAX_ATTEMPTS_LIMIT = 1000;

/** The default schedule of a policy that gives none. */
export const DEFAULT_SCHEDULE: ScheduleSpec = { type: 'exponential', baseMs: 100, factor: 2, capMs: 30_000 };
/** The default attempt limit of a policy that gives none. */
export const DEFAULT_MAX_ATTEMPTS = 3;

type Fail = (field: string, value: unknown, problem: string) => never;

/**
 * Checks an untrusted policy spec (a literal, or JSON from a file) field by field and returns it
 * typed, without a policy file's `"$schema"` line. Throws a {@link PolicyError} naming the policy,
 * the row and the field at the first problem.
 */
export function validatePolicySpec(input: unknown): PolicySpec {
  const table = withoutSchemaLine(input);
  const { spec, policyName, maxDelayMs, failPolicy } = validatePolicyFields(table);
  const rules = spec['rules'];
  if (!Array.isArray(rules) || rules.length === 0) failPolicy('rules', rules, 'must be a non-empty array of rules');
  const seenIds = new Set<string>();
  const earlier: { readonly id: string; readonly index: number; readonly match: RuleMatch; readonly key: string }[] = [];
  (rules as unknown[]).forEach((rule, index) => {
    const fail = ruleFail(policyName, rule, index);
    if (!isPlainObject(rule)) {
      throw new PolicyError({ policy: policyName, field: `rules[${index}]`, value: rule, problem: 'must be an object' });
    }
    validateRule(rule, maxDelayMs, fail);
    const id = ruleId(rule as unknown as RuleSpec);
    if (seenIds.has(id)) fail('id', id, 'duplicates the id of an earlier rule');
    seenIds.add(id);
    const match = rule['match'] as RuleMatch;
    const key = matchKey(match);
    // The most specific reason first: an exact duplicate, then the catch-all, then any row covering this one.
    const duplicate = earlier.find((row) => row.key === key);
    if (duplicate !== undefined) fail('match', match, `duplicates the match of rule "${duplicate.id}", so it can never match`);
    const catchAll = earlier.find((row) => row.key === '{}');
    if (catchAll !== undefined) fail('match', match, `comes after the catch-all rule "${catchAll.id}", so it can never match`);
    const cover = earlier.find((row) => matchCovers(row.match, match));
    if (cover !== undefined) fail('match', match, `can never match: rule "${cover.id}" (rules[${cover.index}]) comes first and matches every failure it does`);
    earlier.push({ id, index, match, key });
  });
  return table as PolicySpec;
}

/**
 * Whether every failure `later` matches is also matched by `earlier`, so that `later`, placed
 * after it, can never match. True when each field `earlier` constrains is constrained by `later`
 * too, to values `earlier` accepts: codes and kinds among `earlier`'s, each status one of
 * `earlier`'s or in one of its classes, a class only where `earlier` has the same class. A field
 * `later` leaves open counts as not covered even when `earlier` lists every value it could take
 * (all five kinds, statuses 500 to 599): the check never refuses a row that can match.
 *
 * @example
 * ```ts
 * matchCovers({ status: '5xx' }, { status: [500, 503], kind: 'http' }); // true
 * matchCovers({ status: 503, kind: 'http' }, { status: 503 }); // false: a 503 of another kind
 * matchCovers({}, { code: 'Busy' }); // true: the catch-all covers every row
 * ```
 */
export function matchCovers(earlier: RuleMatch, later: RuleMatch): boolean {
  const within = <T extends string | number>(field: 'code' | 'status' | 'kind', accepts: (value: T, by: readonly T[]) => boolean): boolean => {
    const by = earlier[field] as T | readonly T[] | undefined;
    const values = later[field] as T | readonly T[] | undefined;
    if (by === undefined) return true;
    return values !== undefined && toList(values).every((value) => accepts(value, toList(by)));
  };
  const listed = <T>(value: T, by: readonly T[]): boolean => by.includes(value);
  return (
    within<string>('code', listed) &&
    within<string>('kind', listed) &&
    within<number | StatusClass>('status', (status, by) => by.includes(status) || (!isStatusClass(status) && by.includes(`${classOf(status)}xx` as StatusClass)))
  );
}

/**
 * Checks a spec whose rows are known to be valid, as {@link validatePolicySpec} would, at a
 * fraction of its code: the policy-level fields, then each row's schedule against the policy's
 * `maxDelayMs`, the one check of a row that depends on them. So a prebuilt table's `with(changes)`
 * throws exactly the PolicyError that validating the whole spec would, without bundling the row
 * checks into every application that imports a prebuilt policy.
 *
 * @param input - a spec whose `rules` passed {@link validatePolicySpec} (a prebuilt table's own,
 * untouched by `with`), its other fields untrusted
 * @example
 * ```ts
 * validatePolicyOverValidRules({ ...scraperPolicy.spec, maxDelayMs: 30_000 });
 * // PolicyError: policy "scraper", rule "blocked_by_amazon": rules[7].schedule.fallback.delayMs
 * // must not exceed the policy's maxDelayMs (30000) (got 60000)
 * ```
 */
export function validatePolicyOverValidRules(input: PolicySpec): PolicySpec {
  const { policyName, maxDelayMs } = validatePolicyFields(input);
  input.rules.forEach((rule, index) => {
    if (rule.schedule !== undefined) validateScheduleSpec(rule.schedule, 'schedule', maxDelayMs, ruleFail(policyName, rule, index));
  });
  return input;
}

/** What the policy-level checks found: the spec as a record, its name, its longest wait and how to report a problem at the top. */
interface PolicyFields {
  readonly spec: Record<string, unknown>;
  readonly policyName: string | undefined;
  readonly maxDelayMs: number;
  readonly failPolicy: Fail;
}

/** Every check of a spec but its rows': the fields, name, description, limits, default schedule and jitter. */
function validatePolicyFields(input: unknown): PolicyFields {
  const policyName = typeof safeField(input, 'name') === 'string' ? (safeField(input, 'name') as string) : undefined;
  const failPolicy: Fail = (field, value, problem) => {
    throw new PolicyError({ policy: policyName, field, value, problem });
  };
  if (!isPlainObject(input)) failPolicy('spec', input, 'must be an object');
  const spec = input as Record<string, unknown>;
  rejectUnknownFields(spec, POLICY_FIELDS, '', failPolicy);
  if (typeof spec['name'] !== 'string' || spec['name'].trim() === '') failPolicy('name', spec['name'], 'must be a non-empty string');
  if (spec['description'] !== undefined && typeof spec['description'] !== 'string')
    failPolicy('description', spec['description'], 'must be a string');

  // `=== undefined`, not `??`: a null is a wrong value to name, not a field left out.
  const maxDelayMs = spec['maxDelayMs'] === undefined ? MAX_TIMER_DELAY_MS : spec['maxDelayMs'];
  if (!isIntegerIn(maxDelayMs, 0, MAX_TIMER_DELAY_MS))
    failPolicy('maxDelayMs', maxDelayMs, `must be an integer from 0 to ${MAX_TIMER_DELAY_MS} (the largest timer delay)`);
  const maxAttempts = spec['maxAttempts'] === undefined ? DEFAULT_MAX_ATTEMPTS : spec['maxAttempts'];
  if (!isIntegerIn(maxAttempts, 1, MAX_ATTEMPTS_LIMIT))
    failPolicy('maxAttempts', maxAttempts, `must be an integer from 1 to ${MAX_ATTEMPTS_LIMIT}`);
  if (spec['schedule'] !== undefined) validateScheduleSpec(spec['schedule'], 'schedule', maxDelayMs, failPolicy);
  if (spec['jitter'] !== undefined) validateJitterSpec(spec['jitter'], 'jitter', failPolicy);
  return { spec, policyName, maxDelayMs: maxDelayMs as number, failPolicy };
}

/** Reports a problem in row `index`, naming the row by its id when it has one. */
function ruleFail(policyName: string | undefined, rule: unknown, index: number): Fail {
  const label = isPlainObject(rule) && typeof rule['id'] === 'string' ? rule['id'] : `rules[${index}]`;
  return (field, value, problem) => {
    throw new PolicyError({ policy: policyName, rule: label, field: `rules[${index}].${field}`, value, problem });
  };
}

function validateRule(rule: Record<string, unknown>, maxDelayMs: number, fail: Fail): void {
  rejectUnknownFields(rule, RULE_FIELDS, '', fail);
  if (rule['id'] !== undefined && (typeof rule['id'] !== 'string' || rule['id'].trim() === ''))
    fail('id', rule['id'], 'must be a non-empty string');
  if (typeof rule['retry'] !== 'boolean') fail('retry', rule['retry'], 'must be true or false');
  if (rule['note'] !== undefined && typeof rule['note'] !== 'string') fail('note', rule['note'], 'must be a string');
  if (rule['coolDown'] !== undefined && typeof rule['coolDown'] !== 'boolean') fail('coolDown', rule['coolDown'], 'must be true or false');
  if (rule['idempotent'] !== undefined && typeof rule['idempotent'] !== 'boolean') fail('idempotent', rule['idempotent'], 'must be true or false');
  if (rule['maxRetries'] !== undefined && !isIntegerIn(rule['maxRetries'], 0, MAX_ATTEMPTS_LIMIT))
    fail('maxRetries', rule['maxRetries'], `must be an integer from 0 to ${MAX_ATTEMPTS_LIMIT}`);
  if (rule['schedule'] !== undefined) validateScheduleSpec(rule['schedule'], 'schedule', maxDelayMs, fail);
  if (rule['jitter'] !== undefined) validateJitterSpec(rule['jitter'], 'jitter', fail);
  validateMatch(rule['match'], fail);
}

function validateMatch(match: unknown, fail: Fail): void {
  if (!isPlainObject(match)) fail('match', match, 'must be an object such as { code: "X" }, { status: 503 } or {}');
  const fields = match as Record<string, unknown>;
  rejectUnknownFields(fields, MATCH_FIELDS, 'match.', fail);
  forEachValue(fields['code'], 'match.code', fail, (code, field) => {
    if (typeof code !== 'string' || code === '') fail(field, code, 'must be a non-empty string');
  });
  forEachValue(fields['status'], 'match.status', fail, (status, field) => {
    const ok = isIntegerIn(status, 100, 599) || (typeof status === 'string' && STATUS_CLASSES.includes(status));
    if (!ok) fail(field, status, 'must be an HTTP status from 100 to 599 or a class such as "5xx"');
  });
  forEachValue(fields['kind'], 'match.kind', fail, (kind, field) => {
    if (!(FAILURE_KINDS as readonly unknown[]).includes(kind)) fail(field, kind, `must be one of ${FAILURE_KINDS.join(', ')}`);
  });
}

/** A canonical form of a match: two rows with the same key match exactly the same failures. */
function matchKey(match: RuleMatch): string {
  const canonical: Record<string, string[]> = {};
  for (const field of ['code', 'status', 'kind'] as const) {
    if (match[field] !== undefined) canonical[field] = toList(match[field]).map(String).sort();
  }
  return JSON.stringify(canonical);
}

function forEachValue(value: unknown, field: string, fail: Fail, check: (item: unknown, field: string) => void): void {
  if (value === undefined) return;
  if (Array.isArray(value)) {
    if (value.length === 0) fail(field, value, 'must not be an empty list (leave the field out to match anything)');
    value.forEach((item, i) => check(item, `${field}[${i}]`));
  } else {
    check(value, field);
  }
}

/**
 * The spec without a top-level `"$schema"` string: a policy file's pointer to policy.schema.json
 * for editors (docs/policy-files.md), so a file loads as it is. Not a field of `PolicySpec`, so it
 * is dropped rather than kept in the compiled spec.
 */
function withoutSchemaLine(input: unknown): unknown {
  if (!isPlainObject(input) || !Object.hasOwn(input, SCHEMA_KEY)) return input;
  const { [SCHEMA_KEY]: schema, ...table } = input;
  if (typeof schema !== 'string') {
    const policy = typeof table['name'] === 'string' ? table['name'] : undefined;
    throw new PolicyError({ policy, field: SCHEMA_KEY, value: schema, problem: 'must be a string: the path or URL of policy.schema.json' });
  }
  return table;
}

function safeField(value: unknown, key: string): unknown {
  return isPlainObject(value) ? value[key] : undefined;
}
