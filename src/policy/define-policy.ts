import type { Failure } from '../failure/failure.js';
import { readersInOrder } from '../failure/checked-readers.js';
import type { CompiledReaders, FailureReaders, Hints, LibraryReaderSet, PolicyReaders } from '../failure/readers/reader.js';
import { BUILT_IN_READERS } from '../failure/readers/registry.js';
import type { FieldSet } from '../shared/fields.js';
import { checkOptionKeys } from '../shared/option-keys.js';
import { OptionsError } from '../shared/options-error.js';
import { MAX_TIMER_DELAY_MS } from '../shared/limits.js';
import type { JitterSpec } from '../schedule/jitter.js';
import type { ScheduleSpec } from '../schedule/schedules.js';
import type { CompiledRule } from './compiled-rule.js';
import type { Decision, DecisionState } from './decision.js';
import { makeDecide } from './decide.js';
import type { PolicySpec } from './policy-spec.js';
import { indexCompositeRows } from './composite-rows.js';
import { RuleIndex, type CompositeIndexer } from './rule-index.js';
import { ruleId } from './match-fields.js';
import { DEFAULT_MAX_ATTEMPTS, DEFAULT_SCHEDULE, validatePolicyOverValidRules, validatePolicySpec } from './validate-policy.js';

/**
 * A compiled policy: the table as data plus its pure decision function.
 *
 * @example
 * ```ts
 * const decision = mwsPolicy.decide({ kind: 'http', status: 503, code: 'RequestThrottled' }, { attempt: 1 });
 * // { action: 'retry', delayMs: 1000, rule: { id: 'RequestThrottled', ... }, source: 'schedule' }
 * ```
 */
export interface Policy {
  /** The policy's name. */
  readonly name: string;
  /** The spec it was compiled from, frozen: plain data, `JSON.stringify`-able. */
  readonly spec: PolicySpec;
  /** The rows with their defaults filled in, in table order. */
  readonly rules: readonly CompiledRule[];
  /** Total attempts allowed in one call, the first included. */
  readonly maxAttempts: number;
  /** The longest single wait the policy accepts, in ms. */
  readonly maxDelayMs: number;
  /**
   * The readers the policy reads failures with: the API's own formats given to
   * {@link definePolicy} (`body`, `hints`, see {@link PolicyExtras}), tried first, then the
   * library's (`builtIn`): every built-in reader for a policy from `definePolicy`, only its API's
   * for a prebuilt policy (see each one's docs). `with` keeps them.
   */
  readonly readers: PolicyReaders;
  /**
   * Decides what to do after a failure. Pure: same failure and state, same decision; no clock,
   * no `Math.random`, no I/O. Throws an {@link OptionsError} for a malformed `state`.
   */
  decide(failure: Failure, state: DecisionState): Decision;
  /** The first row matching the failure, or undefined. */
  match(failure: Failure): CompiledRule | undefined;
  /**
   * A new policy with some policy-level fields replaced, e.g. `mwsPolicy.with({ jitter: 'full' })`.
   * Validated like any other spec.
   */
  with(changes: Partial<Omit<PolicySpec, 'rules'>>): Policy;
}

/**
 * What a policy carries besides its table: code, which a JSON table cannot hold.
 *
 * @example
 * ```ts
 * const extras: PolicyExtras = { readers: { body: [acmeBody] } };
 * const acmePolicy = definePolicy(acmeSpec, extras);
 * ```
 */
export interface PolicyExtras {
  /** Readers for the API's own error formats, tried before the built-in ones on every failure. */
  readonly readers?: FailureReaders;
}

const EXTRAS_KEYS = ['readers'] as const;

/**
 * Validates a policy table and compiles it into a {@link Policy}. Rows are tried in order and the
 * first match wins; lookups use compiled maps, not a scan. Throws a {@link PolicyError} naming
 * the row and field for any bad value (negative or non-finite delay, unknown jitter, empty list,
 * duplicate or unreachable row, unknown field), so a policy that compiles cannot produce a bad
 * delay later.
 *
 * @param spec - the table, as a literal or parsed JSON
 * @param extras - readers for the API's own error body format, when the built-in ones do not know it
 * @example
 * ```ts
 * const policy = definePolicy({
 *   name: 'my-api',
 *   maxAttempts: 4,
 *   rules: [
 *     { match: { status: 429 }, retry: true, schedule: { type: 'retry-after', fallback: { type: 'constant', delayMs: 1000 } } },
 *     { match: { status: '5xx' }, retry: true, schedule: { type: 'exponential', baseMs: 200, capMs: 5000 }, jitter: 'full' },
 *     { match: { kind: ['network', 'timeout'] }, retry: true },
 *     { match: {}, retry: false, note: 'everything else is permanent' },
 *   ],
 * });
 * ```
 */
export function definePolicy(spec: PolicySpec, extras?: PolicyExtras): Policy {
  checkOptionKeys('definePolicy', extras, EXTRAS_KEYS);
  const user = validateReaders(extras?.readers);
  return compilePolicy(validatePolicySpec(spec), policyReaders(user, BUILT_IN_READERS, readersInOrder(user, BUILT_IN_READERS)), redefine, indexCompositeRows);
}

/**
 * Compiles one of the library's own tables (`mwsPolicy`, `scraperPolicy`, `spApiPolicy`) without
 * running the spec validator over its rows at import: test/policies/prebuilt-specs.test.ts runs
 * the whole validator over every prebuilt spec, so a bad row fails the tests instead. `with`
 * checks what it may change with {@link validatePolicyOverValidRules}, which throws the same
 * PolicyError as {@link definePolicy}; so an application that imports a prebuilt policy, and not
 * `definePolicy`, does not bundle the row checks. Internal: no entry exports it.
 *
 * The policy reads failures with `builtIn` alone, the readers its API's documents describe, so an
 * application bundles those and not the whole registry (see {@link PolicyReaders}).
 *
 * @param spec - a prebuilt table, valid (the tests say so)
 * @param builtIn - the library's readers the policy reads with, a part of `BUILT_IN_READERS` in its order (the tests say so)
 * @example
 * ```ts
 * export const mwsPolicy: Policy = definePrebuiltPolicy({ name: 'mws', maxAttempts: 5, rules: [...] }, MWS_READERS);
 * ```
 */
export function definePrebuiltPolicy(spec: PolicySpec, builtIn: LibraryReaderSet): Policy {
  return compilePolicy(spec, policyReaders(undefined, builtIn, builtIn), rebuild, undefined);
}

/** `with` of a policy from {@link definePolicy}: the whole spec validated again, the user's readers kept. */
function redefine(spec: PolicySpec, { body, hints }: PolicyReaders): Policy {
  return definePolicy(spec, body === undefined && hints === undefined ? undefined : { readers: { ...(body && { body }), ...(hints && { hints }) } });
}

/** `with` of a prebuilt policy: its rows are valid, so only what `with` may change is checked; its readers are kept. */
function rebuild(spec: PolicySpec, readers: PolicyReaders): Policy {
  return compilePolicy(validatePolicyOverValidRules(spec), readers, rebuild, undefined);
}

/** The user's readers (validated) and the library's, as one frozen {@link PolicyReaders}, with all of them in order (`inOrder`, internal). */
function policyReaders(user: FailureReaders | undefined, builtIn: LibraryReaderSet, inOrder: LibraryReaderSet): CompiledReaders {
  return Object.freeze(Object.defineProperty({ ...user, builtIn }, 'inOrder', { value: inOrder }) as CompiledReaders);
}

/**
 * A validated spec made a {@link Policy}. `remake` is what the policy's `with` calls, and
 * `indexComposite` the lookup of rows that combine match fields: both passed in, so a prebuilt
 * policy's code reaches neither the full validator nor the composite lookup (its rows constrain
 * one field each; a row that did not would throw here, at import).
 */
function compilePolicy(
  spec: PolicySpec,
  readers: PolicyReaders,
  remake: (spec: PolicySpec, readers: PolicyReaders) => Policy,
  indexComposite: CompositeIndexer | undefined,
): Policy {
  const valid = deepFreeze(structuredCloneJson(spec));
  const defaultSchedule: ScheduleSpec = valid.schedule ?? DEFAULT_SCHEDULE;
  const defaultJitter: JitterSpec = valid.jitter ?? 'none';
  const rules: readonly CompiledRule[] = Object.freeze(
    valid.rules.map((rule, index) =>
      Object.freeze({
        id: ruleId(rule),
        index,
        match: rule.match,
        retry: rule.retry,
        schedule: rule.schedule ?? defaultSchedule,
        jitter: rule.jitter ?? defaultJitter,
        maxRetries: rule.maxRetries,
        note: rule.note ?? '',
        coolDown: rule.coolDown ?? false,
        idempotent: rule.idempotent ?? true,
      }),
    ),
  );
  const index = new RuleIndex(rules, indexComposite);
  const maxAttempts = valid.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const maxDelayMs = valid.maxDelayMs ?? MAX_TIMER_DELAY_MS;
  const decide = makeDecide(rules, index, maxAttempts, maxDelayMs);
  const policy: Policy = {
    name: valid.name,
    spec: valid,
    rules,
    maxAttempts,
    maxDelayMs,
    readers,
    decide,
    match: (failure) => index.find(failure),
    with: (changes) => remake({ ...valid, ...changes, rules: valid.rules }, readers),
  };
  return Object.freeze(policy);
}

/** Checks the readers where they are given: a reader without a `read` function would fail on the failure path. */
function validateReaders(readers: FailureReaders | undefined): FailureReaders | undefined {
  if (readers === undefined) return undefined;
  checkOptionKeys('definePolicy readers', readers, ['body', 'hints']);
  const body = readerList(readers.body, 'readers.body', 'a body reader { name, read(body) }', () => true);
  const hints = readerList(readers.hints, 'readers.hints', 'a header reader { name, field, read(headers, now) }', (reader) =>
    Object.hasOwn(HINT_FIELDS, String((reader as { field?: unknown }).field)),
  );
  return Object.freeze({ ...(body && { body }), ...(hints && { hints }) });
}

/** The Failure fields a header reader may fill: a record, so a new hint field fails to compile here until listed. */
const HINT_FIELDS: FieldSet<Hints> = { requestId: true, timestamp: true, retryAfterMs: true, quota: true, verdict: true };

function readerList<R>(list: readonly R[] | undefined, field: string, shape: string, fits: (reader: object) => boolean): readonly R[] | undefined {
  if (list === undefined) return undefined;
  if (!Array.isArray(list)) throw new OptionsError(field, list, `must be an array of readers, each ${shape}`);
  list.forEach((reader: unknown, i) => {
    const ok = typeof reader === 'object' && reader !== null && typeof (reader as { read?: unknown }).read === 'function' && typeof (reader as { name?: unknown }).name === 'string' && fits(reader);
    if (!ok) throw new OptionsError(`${field}[${i}]`, reader, `must be ${shape}`);
  });
  return Object.freeze([...list]);
}

/** A JSON round trip: the compiled spec is detached from the caller's object and provably plain data. */
function structuredCloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

