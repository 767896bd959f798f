import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { FAILURE_KINDS } from '../../src/failure/failure.js';
import { mwsPolicy, scraperPolicy, spApiPolicy } from '../../src/index.js';
import { optional, required, type FieldSchemas } from '../../src/policy/policy-schema-json.js';
import { JITTER_FIELDS, JITTER_NAMES } from '../../src/schedule/jitter.js';
import { SCHEDULE_FIELDS, SCHEDULE_TYPES } from '../../src/schedule/schedules.js';
import { POLICY_SCHEMA_ID, policySchema, type PolicySchema } from '../../src/tooling.js';
import { policyVerdict, schemaVerdict } from './schema-verdicts.js';

const root = new URL('../../', import.meta.url);
const committed = readFileSync(new URL('policy.schema.json', root), 'utf8');
const schema = policySchema();

describe('policy.schema.json, the committed file', () => {
  it('is what policySchema() generates (run `npm run docs` to refresh it)', () => {
    // The text docs/generate-schema.mjs writes: the same object, two-space JSON, a final newline.
    expect(committed).toBe(`${JSON.stringify(schema, null, 2)}\n`);
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

describe('the schema is built from the validator’s sources', () => {
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

  it('ties each field record to its spec type (compile-time checks)', () => {
    const spec: FieldSchemas<{ readonly a: number; readonly b?: string }> = { a: required({ type: 'number' }), b: optional({ type: 'string' }) };
    // @ts-expect-error a required field marked optional
    const wrongOptional: FieldSchemas<{ readonly a: number }> = { a: optional({ type: 'number' }) };
    // @ts-expect-error an optional field marked required
    const wrongRequired: FieldSchemas<{ readonly b?: string }> = { b: required({ type: 'string' }) };
    // @ts-expect-error a field of the type left out
    const missing: FieldSchemas<{ readonly a: number; readonly c: number }> = { a: required({ type: 'number' }) };
    // @ts-expect-error a field the type lacks
    const extra: FieldSchemas<{ readonly a: number }> = { a: required({ type: 'number' }), z: optional({}) };
    expect([spec, wrongOptional, wrongRequired, missing, extra].length).toBe(5);
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
    // definePolicy takes the table without the editor's line, as the CLI passes it.
    const { $schema: _line, ...table } = spec;
    expect(policyVerdict(table).ok).toBe(true);
    expect(readFileSync(new URL('docs/policy-files.md', root), 'utf8')).toContain(file.trim());
  });

  it('accepts "$schema" at the top only, and only as a string', () => {
    const table = { name: 'p', rules: [{ match: {}, retry: false }] };
    expect(schemaVerdict({ $schema: POLICY_SCHEMA_ID, ...table }).ok).toBe(true);
    expect(schemaVerdict({ $schema: 7, ...table }).ok).toBe(false);
    expect(schemaVerdict({ ...table, rules: [{ $schema: 'x', match: {}, retry: false }] }).ok).toBe(false);
  });
});
