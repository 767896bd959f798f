import { closedObject, optional, type FieldSchema, type JsonSchema, type PolicySchemaDefinition } from './policy-schema-json.js';
import { scheduleDefinitions } from './policy-schema-kinds.js';
import { tableFieldSchemas } from './policy-schema-rows.js';

/**
 * Where the published schema can be fetched: the `$id` of {@link policySchema}, and a
 * `"$schema"` value for a policy file in a project without retry-table installed.
 *
 * @example
 * ```ts
 * const file = { $schema: POLICY_SCHEMA_ID, name: 'my-api', rules: [{ match: {}, retry: false }] };
 * ```
 */
export const POLICY_SCHEMA_ID = 'https://unpkg.com/retry-table/policy.schema.json';

/**
 * What a file may say that `definePolicy` never sees: the editor's pointer to this schema. The
 * CLI drops it before validating; it is not a field of `PolicySpec`.
 */
const FILE_ONLY_FIELDS: Readonly<Record<string, FieldSchema>> = {
  $schema: optional({ type: 'string', description: 'The schema editors validate this file with, e.g. ./node_modules/retry-table/policy.schema.json.' }),
};

/**
 * The JSON Schema (draft-07) of a policy file: a `PolicySpec` as JSON, plus an optional
 * `"$schema"` line. Built from what `definePolicy` validates with (the schedule and jitter
 * registries, the failure kinds, field records typed over the spec types), so the two cannot
 * drift; `npm run docs` writes it to the package's `policy.schema.json`.
 *
 * A file the schema accepts can still be refused by `definePolicy`, for what a JSON Schema
 * cannot say: a delay above the file's own `maxDelayMs`, a duplicate row id (given or derived),
 * a row matching exactly what an earlier row matches, a row after the catch-all `{}`. Run
 * `retry-table check` for those (docs/policy-files.md).
 *
 * @returns a fresh, plain, `JSON.stringify`-able object
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { policySchema } from 'retry-table/tooling';
 *
 * writeFileSync('policy.schema.json', `${JSON.stringify(policySchema(), null, 2)}\n`);
 * policySchema().definitions.schedule.properties?.['type']?.enum;
 * // ['list', 'constant', 'exponential', 'retry-after', 'quota-reset']
 * ```
 */
export function policySchema(): PolicySchema {
  const { policy, rule, match } = tableFieldSchemas();
  const policyFields: Readonly<Record<string, FieldSchema>> = { ...FILE_ONLY_FIELDS, ...policy };
  const ruleFields: Readonly<Record<string, FieldSchema>> = rule;
  const matchFields: Readonly<Record<string, FieldSchema>> = match;
  const table = closedObject(Object.keys(policyFields), (field) => policyFields[field]!);
  const definitions: PolicySchema['definitions'] = {
    rule: closedObject(Object.keys(ruleFields), (field) => ruleFields[field]!, 'One row of the table.'),
    match: closedObject(Object.keys(matchFields), (field) => matchFields[field]!, 'What a row matches: every field given must match; {} matches every failure.'),
    ...scheduleDefinitions(),
  };
  // A JSON round trip: the field records are module constants, and a caller may change what it gets.
  return JSON.parse(
    JSON.stringify({
      $schema: 'http://json-schema.org/draft-07/schema#',
      $id: POLICY_SCHEMA_ID,
      title: 'retry-table policy',
      description:
        'A retry policy as a table: rows tried in order, the first match wins. `npx retry-table check <file>` validates the file with definePolicy and prints its table; it also refuses what this schema cannot express (a delay above maxDelayMs, duplicate or unreachable rows).',
      ...table,
      definitions,
    }),
  ) as PolicySchema;
}

/**
 * The policy file schema's shape: a {@link JsonSchema} whose shared definitions are named.
 *
 * @example
 * ```ts
 * const schema: PolicySchema = policySchema();
 * schema.definitions.jitter.anyOf?.length; // 2: a name, or { type: 'additive', maxMs }
 * ```
 */
export interface PolicySchema extends JsonSchema {
  readonly $schema: string;
  readonly $id: string;
  readonly definitions: { readonly [D in PolicySchemaDefinition]: JsonSchema };
}
