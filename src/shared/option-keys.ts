import { closestName } from './closest-name.js';
import { OptionsError } from './options-error.js';
import { isPlainObject, showKey } from './validate.js';

/**
 * Checks an options bag where it is given: it must be an object, and every key must be one the
 * function knows, so a typo (`maxElapsed` for `maxElapsedMs`) fails at once instead of silently
 * running with the default. Policies already reject unknown fields; options get the same care.
 *
 * @param where - the function or class the options belong to, for the message (`withRetry`)
 * @param options - the bag, possibly undefined
 * @param known - every key it accepts
 * @throws {@link OptionsError} naming the bad key and the closest known name
 * @example
 * ```ts
 * checkOptionKeys('retry', { maxElapsed: 2000 }, ['maxElapsedMs', 'signal']);
 * // OptionsError: maxElapsed is not an option of retry; did you mean maxElapsedMs? (got 2000)
 * ```
 */
export function checkOptionKeys(where: string, options: unknown, known: readonly string[]): void {
  if (options === undefined) return;
  if (!isPlainObject(options)) throw new OptionsError('options', options, `of ${where} must be an object`);
  for (const key in options) {
    if (known.includes(key)) continue;
    const suggestion = closestName(key, known);
    const hint = suggestion === undefined ? ` (known: ${known.join(', ')})` : `; did you mean ${suggestion}?`;
    throw new OptionsError(showKey(key), options[key], `is not an option of ${where}${hint}`, suggestion);
  }
}
