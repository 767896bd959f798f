import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { FAILURE_KINDS } from '../../src/failure/failure.js';
import { mwsPolicy, scraperPolicy, spApiPolicy } from '../../src/index.js';
import type { PolicySpec, RuleMatch, RuleSpec } from '../../src/index.js';
import type { FieldSet } from '../../src/shared/fields.js';
import { JITTER_FIELDS, JITTER_NAMES } from '../../src/schedule/jitter.js';
import { SCHEDULE_FIELDS, SCHEDULE_TYPES } from '../../src/schedule/schedules.js';
import type { JsonSchema } from '../../src/policy/policy-schema.js';
import { POLICY_SCHEMA_ID, policySchema, type PolicySchema } from '../../src/tooling.js';
import { policyVerdict, schemaVerdict } from './schema-verdicts.js';

const root = new URL('../../', import.meta.url);
const committed = readFileSync(new URL('policy.schema.json', root), 'utf8');
const schema = policySchema();

describe('policy.schema.json, the committed file', () => {
  it('is what policySchema() returns, kept as two-space JSON with a final newline', () => {
    expect(schema).toEqual(JSON.parse(committed));
    // A hand edit keeps the file's layout, so its diffs stay readable.
    expect(committed).toBe(`${JSON.stringify(JSON.parse(committed), null, 2)}\n`);
  });

  it('is a valid draft-07 schema that a strict ajv compiles (no unknown keyword, no loose type)', () => {
    const ajv = new Ajv({ strict: true, strictTypes: true, strictTuples: true, strictRequired: true });
    expect(ajv.validateSchema(JSON.parse(committed) as object), JSON.stringify(ajv.errors)).toBe(true);
    expect(() => ajv.compile(JSON.parse(committed) as object)).not.toThrow();
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.$id).toBe(POLICY_SCHEMA_ID);
  });

  it('ships in the package: listed in `files` and exported as retry-table/policy.schema.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { files: string[]; exports: Record<string, unknown> };
    expect(pkg.files).toContain('policy.schema.json');
    expect(pkg.exports['./policy.schema.json']).toBe('./policy.schema.json');
    // Node resolves the package's own name through its exports map, as a user's tooling would.
    const resolved = createRequire(new URL('package.json', root)).resolve('retry-table/policy.schema.json');
    expect(readFileSync(resolved, 'utf8')).toBe(committed);
  });

  it('is a fresh object on every call, so a caller may change its copy', () => {
    const mine = policySchema() as { title?: string };
    mine.title = 'changed';
    expect(policySchema().title).toBe('retry-table policy');
  });
});

describe('the file says what the validator’s sources say', () => {
  const definitions = schema.definitions;
  const typeEnum = (definition: keyof PolicySchema['definitions']): unknown => definitions[definition].properties?.['type']?.enum;

  it('lists the schedule kinds of SCHEDULE_FIELDS, in message order; a hint kind falls back to the others only', () => {
    expect(typeEnum('schedule')).toEqual(SCHEDULE_TYPES);
    expect(typeEnum('stepSchedule')).toEqual(SCHEDULE_TYPES.filter((type) => !('fallback' in SCHEDULE_FIELDS[type as keyof typeof SCHEDULE_FIELDS])));
  });

  it.each(SCHEDULE_TYPES)('gives the %s schedule exactly the fields of SCHEDULE_FIELDS', (type) => {
    const branch = definitions.schedule.allOf?.find((b) => b.if?.properties?.['type']?.const === type);
    expect(Object.keys(branch?.then?.properties ?? {})).toEqual(Object.keys(SCHEDULE_FIELDS[type as keyof typeof SCHEDULE_FIELDS]));
    expect(branch?.then?.additionalProperties).toBe(false);
  });

  it('lists the jitters of JITTER_NAMES and JITTER_FIELDS: the names, then each object form with its fields', () => {
    const [names, ...objects] = definitions.jitter.anyOf ?? [];
    expect(names?.enum).toEqual(JITTER_NAMES);
    const forms = Object.entries(JITTER_FIELDS).map(([type, fields]) => [type, Object.keys(fields)]);
    expect(objects.map((o) => [o.properties?.['type']?.const, Object.keys(o.properties ?? {})])).toEqual(forms);
  });

  it('lists the failure kinds of FAILURE_KINDS', () => {
    expect(definitions.match.properties?.['kind']?.anyOf?.[0]?.enum).toEqual(FAILURE_KINDS);
  });

  // Records typed over the spec types: a field added to PolicySpec, RuleSpec or RuleMatch fails
  // to compile here until it is listed, and then this test until the file has it.
  const POLICY: FieldSet<PolicySpec> = { name: true, description: true, maxAttempts: true, maxDelayMs: true, schedule: true, jitter: true, rules: true };
  const RULE: FieldSet<RuleSpec> = { id: true, match: true, retry: true, schedule: true, jitter: true, maxRetries: true, note: true, coolDown: true, idempotent: true };
  const MATCH: FieldSet<RuleMatch> = { code: true, status: true, kind: true };

  it.each([
    ['the policy', schema as JsonSchema, ['$schema', ...Object.keys(POLICY)], ['name', 'rules']],
    ['a row', definitions.rule, Object.keys(RULE), ['match', 'retry']],
    ['a match', definitions.match, Object.keys(MATCH), []],
  ] as const)('gives %s exactly the fields of its spec type, closed, with the required ones required', (_what, object, fields, required) => {
    expect(Object.keys(object.properties ?? {}).sort()).toEqual([...fields].sort());
    expect(object.additionalProperties).toBe(false);
    expect([...(object.required ?? [])].sort()).toEqual([...required].sort());
  });
});

describe('real policy files pass the schema', () => {
  it.each([mwsPolicy, scraperPolicy, spApiPolicy])('the prebuilt $name policy’s spec, as JSON', (policy) => {
    const spec: unknown = JSON.parse(JSON.stringify(policy.spec));
    const verdict = schemaVerdict(spec);
    expect(verdict.ok ? 'valid' : verdict.errors).toBe('valid');
  });

  it('the example file of docs/policy-files.md and the CLI tests, its "$schema" line included', () => {
    const file = readFileSync(new URL('test/cli/fixtures/my-policy.json', root), 'utf8');
    const spec = JSON.parse(file) as Record<string, unknown>;
    expect(spec['$schema']).toBe('./node_modules/retry-table/policy.schema.json');
    expect(schemaVerdict(spec).ok).toBe(true);
    // definePolicy takes the file as it is, the editor's line included.
    expect(policyVerdict(spec).ok).toBe(true);
    expect(readFileSync(new URL('docs/policy-files.md', root), 'utf8')).toContain(file.trim());
  });

  it.each([
    ['a string at the top', (table: object) => ({ $schema: POLICY_SCHEMA_ID, ...table }), true],
    ['a number at the top', (table: object) => ({ $schema: 7, ...table }), false],
    ['null at the top', (table: object) => ({ $schema: null, ...table }), false],
    ['a string inside a row', (table: object) => ({ ...table, rules: [{ $schema: 'x', match: {}, retry: false }] }), false],
  ] as const)('"$schema" as %s: the schema and definePolicy agree (accepted: %s)', (_what, make, accepted) => {
    const spec = make({ name: 'p', rules: [{ match: {}, retry: false }] });
    expect(schemaVerdict(spec).ok).toBe(accepted);
    expect(policyVerdict(spec).ok).toBe(accepted);
  });
});
