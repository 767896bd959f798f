import { hasBrand } from './brand.js';
import { show } from './show.js';

const OPTIONS_ERROR = Symbol.for('retry-table.OptionsError');

/**
 * A bad option passed to {@link withRetry}, {@link retry} or {@link Policy.decide}, thrown where
 * the option is given (for `withRetry`, when the function is wrapped, not when it is called).
 *
 * @example
 * ```ts
 * withRetry(mwsPolicy, { maxElapsedMs: -1 }); // throws OptionsError: maxElapsedMs must be ...
 * retry(mwsPolicy, fn, { maxElapsed: 2000 }); // rejects: maxElapsed is not an option of retry; did you mean maxElapsedMs?
 * ```
 */
export class OptionsError extends TypeError {
  override readonly name = 'OptionsError' as const;
  /** The option's name, such as `maxElapsedMs` or `state.attempt`. */
  readonly option: string;
  /** The bad value. */
  readonly value: unknown;
  /** For an unknown option key: the known option it most likely meant (`maxElapsedMs` for `maxElapsed`). */
  readonly suggestion: string | undefined;

  constructor(option: string, value: unknown, problem: string, suggestion?: string) {
    super(`${option} ${problem} (got ${show(value)})`);
    this.option = option;
    this.value = value;
    this.suggestion = suggestion;
    Object.defineProperty(this, OPTIONS_ERROR, { value: true });
  }
}

/**
 * True when `value` is an {@link OptionsError}, from this or any other copy of retry-table.
 * @example
 * ```ts
 * if (isOptionsError(error)) console.error(error.option);
 * ```
 */
export function isOptionsError(value: unknown): value is OptionsError {
  return hasBrand(value, OPTIONS_ERROR);
}
