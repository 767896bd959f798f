import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { definePolicy, isPolicyError, type PolicyError, type PolicySpec } from '../../src/index.js';

/**
 * The two judges of a policy file, side by side: ajv (a real JSON Schema validator, draft-07 as
 * the file says, strict, so a keyword it does not know fails the compile) running the package's
 * policy.schema.json as shipped, and definePolicy. Shared by the schema tests.
 */
const ajv = new Ajv({ strict: true });
export const validateSchema = ajv.compile(JSON.parse(readFileSync(new URL('../../policy.schema.json', import.meta.url), 'utf8')) as object);

/** A path as a list of keys: `rules[0].match.status[1]` and `/rules/0/match/status/1` alike. */
export type Segments = readonly string[];

export type SchemaVerdict = { readonly ok: true } | { readonly ok: false; readonly errors: readonly ErrorObject[]; readonly paths: readonly Segments[] };
export type PolicyVerdict = { readonly ok: true } | { readonly ok: false; readonly error: PolicyError };

/** What the schema says of `spec`, with the instance paths of its errors. */
export function schemaVerdict(spec: unknown): SchemaVerdict {
  if (validateSchema(spec)) return { ok: true };
  const errors = validateSchema.errors ?? [];
  return { ok: false, errors, paths: errors.map((error) => pointerSegments(error.instancePath)) };
}

/** What definePolicy says of `spec`: anything thrown but a PolicyError fails the test. */
export function policyVerdict(spec: unknown): PolicyVerdict {
  try {
    definePolicy(spec as PolicySpec);
    return { ok: true };
  } catch (error) {
    if (isPolicyError(error)) return { ok: false, error };
    throw error;
  }
}

/** `/rules/0/match` → ['rules', '0', 'match'] (JSON Pointer, RFC 6901). */
export function pointerSegments(pointer: string): Segments {
  return pointer === '' ? [] : pointer.slice(1).split('/').map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** `rules[0]."a b".x` → ['rules', '0', 'a b', 'x'] (a PolicyError's `field`). */
export function fieldSegments(field: string): Segments {
  return [...field.matchAll(/([A-Za-z_$][\w$]*)|\[(\d+)\]|("(?:[^"\\]|\\.)*")/g)].map((m) => m[1] ?? m[2] ?? (JSON.parse(m[3]!) as string));
}

/** Whether `prefix` is a prefix of `path`. */
export function isPrefix(prefix: Segments, path: Segments): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => segment === path[i]);
}
