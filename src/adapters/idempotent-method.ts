import type { DriverOptions } from '../run/call-run.js';

/** The methods RFC 9110 (section 9.2.2) defines as idempotent: repeating them has the effect of sending them once. */
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

/**
 * The failure options for one HTTP request, by its method. A POST or PATCH may create or charge
 * something, so unless the caller said `idempotent` it is retried only when the failure proves
 * the request was not processed (connection refused, 429, 503 with Retry-After): the role
 * axios-retry's and undici's method lists play, without refusing the retries that are safe.
 *
 * @param method - the request's method, any case; undefined is a GET (axios' and undici's default)
 * @param byMethod - the adapter's options as given, and the same with `idempotent: false`
 * @example
 * ```ts
 * const options = optionsForMethod('post', { given: valid, unsafe: { ...valid, idempotent: false } }); // the unsafe ones
 * ```
 */
export function optionsForMethod<O extends DriverOptions>(method: string | undefined, byMethod: { readonly given: O; readonly unsafe: O }): O {
  if (byMethod.given.idempotent !== undefined || method === undefined) return byMethod.given;
  return IDEMPOTENT_METHODS.has(method.toUpperCase()) ? byMethod.given : byMethod.unsafe;
}

/**
 * Both variants {@link optionsForMethod} chooses from, made once when the adapter is set up.
 *
 * @example
 * ```ts
 * const byMethod = methodOptions(valid);
 * ```
 */
export function methodOptions<O extends DriverOptions>(given: O): { readonly given: O; readonly unsafe: O } {
  return { given, unsafe: given.idempotent === undefined ? { ...given, idempotent: false } : given };
}
