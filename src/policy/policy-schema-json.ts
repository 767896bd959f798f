/**
 * The vocabulary the policy file schema is written in: the part of JSON Schema draft-07 it uses
 * (draft-07 because it is the draft every editor's JSON support reads in full), and the link
 * between a spec type's fields and their schemas.
 */

/**
 * A JSON Schema (draft-07), limited to the keywords the policy schema uses, so a typo in a
 * keyword is a compile error rather than a schema that silently accepts everything.
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
 * The names under the schema's `definitions`, the targets of its `$ref`s: a reference to any
 * other name is a compile error.
 *
 * @example
 * ```ts
 * const name: PolicySchemaDefinition = 'stepSchedule';
 * ```
 */
export type PolicySchemaDefinition = 'rule' | 'match' | 'delayMs' | 'schedule' | 'stepSchedule' | 'jitter';

/**
 * One field's schema, and whether the spec type requires the field.
 *
 * @example
 * ```ts
 * const delayMs: FieldSchema<true> = { required: true, schema: { type: 'number', minimum: 0 } };
 * ```
 */
export interface FieldSchema<Required extends boolean = boolean> {
  /** Whether the field must be present: checked against the spec type by {@link FieldSchemas}. */
  readonly required: Required;
  /** The schema of the field's value. */
  readonly schema: JsonSchema;
}

/** `true` when `F` is a required field of `S`, `false` when it is optional. */
type IsRequired<S, F extends keyof S> = object extends Pick<S, F> ? false : true;

/**
 * A schema for every field of the spec type `S`, written as a record (like `FieldSet`) so that a
 * field added to the type without a schema, a schema for a field the type lacks, or a field
 * marked required when the type makes it optional (or the reverse), is a compile error. Key order
 * is the order the schema lists the fields in, so editors complete them in that order.
 *
 * @example
 * ```ts
 * const fields: FieldSchemas<{ readonly delayMs: number; readonly note?: string }> = {
 *   delayMs: required({ type: 'number' }),
 *   note: optional({ type: 'string' }),
 * };
 * ```
 */
export type FieldSchemas<S> = { readonly [F in keyof S]-?: FieldSchema<IsRequired<S, F>> };

/**
 * A required field's schema.
 *
 * @example
 * ```ts
 * required({ type: 'boolean' }); // { required: true, schema: { type: 'boolean' } }
 * ```
 */
export function required(schema: JsonSchema): FieldSchema<true> {
  return { required: true, schema };
}

/**
 * An optional field's schema.
 *
 * @example
 * ```ts
 * optional({ type: 'string' }); // { required: false, schema: { type: 'string' } }
 * ```
 */
export function optional(schema: JsonSchema): FieldSchema<false> {
  return { required: false, schema };
}

/**
 * A closed object: the given fields (in the given order), which of them are required, and no
 * other key, so a misspelled field (`capMS`) is flagged in the editor as `definePolicy` would.
 *
 * @param fields - the field names, in order (a registry's `fields`, or a {@link FieldSchemas}'s keys)
 * @param schemaOf - each field's schema
 * @param description - what the object is, shown on hover
 * @example
 * ```ts
 * closedObject(['delayMs'], () => required({ type: 'number' }), 'a delay');
 * // { type: 'object', description: 'a delay', properties: { delayMs: { type: 'number' } }, required: ['delayMs'], additionalProperties: false }
 * ```
 */
export function closedObject(fields: readonly string[], schemaOf: (field: string) => FieldSchema, description?: string): JsonSchema {
  const entries = fields.map((field) => [field, schemaOf(field)] as const);
  const requiredFields = entries.filter(([, { required: isRequired }]) => isRequired).map(([field]) => field);
  return {
    type: 'object',
    ...(description === undefined ? {} : { description }),
    properties: Object.fromEntries(entries.map(([field, { schema }]) => [field, schema])),
    ...(requiredFields.length === 0 ? {} : { required: requiredFields }),
    additionalProperties: false,
  };
}

/**
 * A reference to one of the schema's shared definitions. With a description, the reference is
 * wrapped in `allOf`: in draft-07 every keyword beside a `$ref` is ignored, so a description
 * written next to it would never reach the editor's hover.
 *
 * @example
 * ```ts
 * ref('delayMs'); // { $ref: '#/definitions/delayMs' }
 * ref('delayMs', 'The wait before every retry.'); // { description: '...', allOf: [{ $ref: '#/definitions/delayMs' }] }
 * ```
 */
export function ref(definition: PolicySchemaDefinition, description?: string): JsonSchema {
  const reference: JsonSchema = { $ref: `#/definitions/${definition}` };
  return description === undefined ? reference : { description, allOf: [reference] };
}

/**
 * One value, or a non-empty list of such values: how a match field is written
 * (`status: 503` or `status: [500, 503]`). An empty list is rejected, as `definePolicy` does:
 * leaving the field out is how a row matches anything.
 *
 * @example
 * ```ts
 * oneOrList({ type: 'string', minLength: 1 }, 'an error code');
 * ```
 */
export function oneOrList(item: JsonSchema, description: string): JsonSchema {
  return { description, anyOf: [item, { type: 'array', minItems: 1, items: item }] };
}
