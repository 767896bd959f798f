import type { Failure, FailureKind } from './failure.js';

/**
 * A {@link Failure} under construction. Fields are set only when they have a value, so absent
 * fields stay absent (a Failure prints cleanly) without a second pass that drops undefined ones.
 *
 * @example
 * ```ts
 * const draft: FailureDraft = { kind: 'http', status: 503 };
 * if (code !== undefined) draft.code = code;
 * const failure: Failure = draft;
 * ```
 */
export type FailureDraft = { -readonly [K in keyof Failure]: Failure[K] };

/**
 * A failure with only a kind and, when present, the error's own code and message.
 *
 * @example
 * ```ts
 * bareFailure('network', 'ECONNRESET', undefined); // { kind: 'network', code: 'ECONNRESET' }
 * ```
 */
export function bareFailure<K extends FailureKind>(kind: K, code: string | undefined, message: string | undefined): Failure & { readonly kind: K } {
  const failure: FailureDraft & { kind: K } = { kind };
  if (code !== undefined) failure.code = code;
  if (message !== undefined) failure.message = message;
  return failure;
}
