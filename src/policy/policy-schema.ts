// The schema is a checked-in file, written by hand: test/policy/schema-file.test.ts and
// schema.property.test.ts hold it to the validator. The bundler inlines it into the tooling entry.
import schemaFile from '../../policy.schema.json' with { type: 'json' };

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
 * The JSON Schema (draft-07) of a policy file: a `PolicySpec` as JSON, plus an optional
 * `"$schema"` line. The package's `policy.schema.json`, the file editors read.
 *
 * A file the schema accepts can still be refused by `definePolicy`, for what a JSON Schema
 * cannot say: a delay above the file's own `maxDelayMs`, a duplicate row id (given or derived),
 * a row an earlier row covers (an exact duplicate, a row after the catch-all `{}`, `503` after
 * `5xx`). Run `retry-table check` for those (docs/policy-files.md).
 *
 * @returns a fresh, plain, `JSON.stringify`-able copy, which the caller may change
 * @example
 * ```ts
 * import { policySchema } from 'retry-table/tooling';
 *
 * policySchema().definitions.schedule.properties?.['type']?.enum;
 * // ['list', 'constant', 'exponential', 'retry-after', 'quota-reset']
 * ```
 */
export function policySchema(): PolicySchema {
  return structuredClone(schemaFile) as unknown as PolicySchema;
}

/**
 * A JSON Schema (draft-07), typed by the keywords policy.schema.json uses.
 *
 * @example
 * ```ts
 * const delay: JsonSchema = { type: 'number', minimum: 0, maximum: 2 ** 31 - 1 };
 * ```
 */
export interface JsonSchema {
  readonly $schema?: string;
  readonly $id?: string;
  readonly $ref?: string;
  readonly title?: string;
  readonly description?: string;
  readonly type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean';
  readonly const?: string;
  readonly enum?: readonly string[];
  readonly default?: unknown;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean;
  readonly items?: JsonSchema;
  readonly minItems?: number;
  readonly pattern?: string;
  readonly minLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly anyOf?: readonly JsonSchema[];
  readonly allOf?: readonly JsonSchema[];
  readonly if?: JsonSchema;
  readonly then?: JsonSchema;
  readonly definitions?: Readonly<Record<string, JsonSchema>>;
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
  readonly definitions: { readonly [D in 'rule' | 'match' | 'delayMs' | 'schedule' | 'stepSchedule' | 'jitter']: JsonSchema };
}
