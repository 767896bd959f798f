import type { FailureDraft } from './failure-draft.js';
import type { BodyFields, BodyReader, ErrorBody, HintField, HintReader, Hints } from './readers/reader.js';

/**
 * The fields of an error body: the first reader of the list that returns fields wins. The list is
 * a policy's, in order (see `readersInOrder`): a user's readers come checked, so none can throw or
 * return something other than fields here.
 *
 * @param body - the body, read once
 * @param readers - the body readers, in the order they are tried
 * @example
 * ```ts
 * readBodyFields({ text: undefined, json: { error: 'rate_limited' } }, [scraperJsonReader]); // { code: 'rate_limited', ... }
 * ```
 */
export function readBodyFields(body: ErrorBody, readers: readonly BodyReader[]): BodyFields | undefined {
  for (let i = 0; i < readers.length; i++) {
    const fields = readers[i]!.read(body);
    if (fields !== undefined) return fields;
  }
  return undefined;
}

/**
 * Fills the hint fields of a draft failure that are still absent, from trusted readers (the
 * library's, and a user's checked ones, see `readersInOrder`), in list order. A field already filled is not read again, so a lower-ranked header
 * costs nothing once a higher-ranked one answered.
 *
 * @example
 * ```ts
 * fillHints(draft, response.headers, now, BUILT_IN_READERS.hints);
 * ```
 */
export function fillHints(draft: FailureDraft, headers: unknown, now: number, readers: readonly HintReader[]): void {
  for (let i = 0; i < readers.length; i++) fillHint(draft, readers[i]!, headers, now);
}

/** The fields a hint reader may fill, writable. */
type HintDraft = { -readonly [K in HintField]?: Hints[K] };

function fillHint<F extends HintField>(draft: HintDraft, reader: HintReader<F>, headers: unknown, now: number): void {
  if (draft[reader.field] !== undefined) return;
  const value = reader.read(headers, now);
  if (value !== undefined) draft[reader.field] = value;
}
