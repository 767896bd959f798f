import { FAILURE_KINDS, type Failure, type FailureKind } from '../failure/failure.js';
import type { CompiledRule } from './compiled-rule.js';
import { isStatusClass, toList } from './match-fields.js';

/**
 * No row: larger than any row index, so `Math.min` with it is a no-op.
 *
 * @example
 * ```ts
 * const best = Math.min(NO_ROW, byCode.get(code) ?? NO_ROW);
 * ```
 */
export const NO_ROW = Number.MAX_SAFE_INTEGER;
const NONE = NO_ROW;

/**
 * The lookup of rows that combine match fields (`{ code, status }`), by composite keys: the
 * lowest index of such a row matching the failure, or {@link NO_ROW}.
 *
 * @example
 * ```ts
 * const composite: CompositeLookup = indexCompositeRows([row]);
 * composite.find({ kind: 'http', status: 503, code: 'Busy' }); // row.index
 * ```
 */
export interface CompositeLookup {
  find(failure: Failure): number;
}

/**
 * Builds the {@link CompositeLookup} of a table's combining rows (`composite-rows.ts`). Passed to
 * a {@link RuleIndex} by `definePolicy`; a prebuilt table has no such row, so an application
 * that only imports one does not bundle it.
 *
 * @example
 * ```ts
 * const index = new RuleIndex(rules, indexCompositeRows);
 * ```
 */
export type CompositeIndexer = (rows: readonly CompiledRule[]) => CompositeLookup;
/** Statuses 0–599 have a slot each in the lookup table; one more slot stands for "no status". */
const STATUS_SLOTS = 600;
/**
 * Each failure kind's row in the lookup table, in `FAILURE_KINDS` order (checked by the table's
 * build); a switch on the five interned strings, which is cheaper here than a keyed lookup.
 */
function kindSlotOf(kind: FailureKind): number | undefined {
  switch (kind) {
    case 'http':
      return 0;
    case 'network':
      return 1;
    case 'timeout':
      return 2;
    case 'abort':
      return 3;
    case 'unknown':
      return 4;
    default:
      return undefined;
  }
}

/**
 * First-match-wins lookup without scanning the rows. A row that constrains one field (the
 * common case: `code`, `status`, a status class, `kind`, or nothing) goes into a map for that
 * field, keyed by value, holding the lowest row index per value. A failure looks up its code,
 * status, status class and kind once each and takes the lowest index found: since every row sits
 * in the map of the field it matches on, that is exactly the first row a scan would find.
 * Rows that combine fields (`{ code, status }`) are rarer and go through composite keys, built by
 * the `indexComposite` the index is given (a table with such a row and none throws: the library's
 * own tables have none).
 */
export class RuleIndex {
  private readonly byCode = new Map<string, number>();
  private readonly byStatus = new Map<number, number>();
  /** Index by status class: `byClass[5]` is the lowest row matching `'5xx'`. */
  private readonly byClass: number[] = [NONE, NONE, NONE, NONE, NONE, NONE];
  private readonly byKind = new Map<FailureKind, number>();
  private catchAll = NONE;
  /** The rows that combine fields, when the table has any. */
  private readonly composite: CompositeLookup | undefined;

  constructor(
    private readonly rules: readonly CompiledRule[],
    indexComposite?: CompositeIndexer,
  ) {
    const composite: CompiledRule[] = [];
    for (const rule of rules) if (!this.add(rule)) composite.push(rule);
    if (composite.length === 0) return;
    if (indexComposite === undefined) throw new Error(`rule "${composite[0]!.id}" combines match fields, and this index was given no composite lookup`);
    this.composite = indexComposite(composite);
  }

  /** The first row matching the failure, or undefined when none does. */
  find(failure: Failure): CompiledRule | undefined {
    const { code, status, kind } = failure;
    const kindSlot = kindSlotOf(kind);
    let best: number;
    if (kindSlot !== undefined && (status === undefined || (Number.isInteger(status) && status >= 0 && status < STATUS_SLOTS))) {
      // Everything but the code, looked up once: the table holds the first row by status, status
      // class, kind or catch-all for every (kind, status) pair.
      best = (this.table ??= this.buildTable())[kindSlot * (STATUS_SLOTS + 1) + (status ?? STATUS_SLOTS)]!;
    } else {
      best = this.bestWithoutCode(status, kind);
    }
    if (code !== undefined) {
      const byCode = this.byCode.get(code);
      if (byCode !== undefined && byCode < best) best = byCode;
    }
    if (this.composite !== undefined) best = Math.min(best, this.composite.find(failure));
    return best === NONE ? undefined : this.rules[best];
  }

  /** The first row matching by status, status class, kind or as the catch-all. */
  private bestWithoutCode(status: number | undefined, kind: FailureKind): number {
    let best = this.catchAll;
    if (status !== undefined) best = Math.min(best, this.byStatus.get(status) ?? NONE, this.byClass[classOf(status)] ?? NONE);
    return Math.min(best, this.byKind.get(kind) ?? NONE);
  }

  /** Precomputes {@link bestWithoutCode} for every kind and every status 0–599 (and none). */
  private buildTable(): Int32Array | Float64Array {
    const table = new Float64Array(FAILURE_KINDS.length * (STATUS_SLOTS + 1));
    for (const [slot, kind] of FAILURE_KINDS.entries()) {
      if (kindSlotOf(kind) !== slot) throw new Error(`kindSlotOf('${kind}') must be ${slot}, its place in FAILURE_KINDS`);
      for (let status = 0; status <= STATUS_SLOTS; status++) {
        table[slot * (STATUS_SLOTS + 1) + status] = this.bestWithoutCode(status === STATUS_SLOTS ? undefined : status, kind);
      }
    }
    return table;
  }

  /** Built at the first lookup, so defining a policy that never decides costs nothing. */
  private table: Int32Array | Float64Array | undefined;

  /** Adds a row that constrains one field or none; false for a row that combines fields. */
  private add(rule: CompiledRule): boolean {
    const { code, status, kind } = rule.match;
    const fields = (code !== undefined ? 1 : 0) + (status !== undefined ? 1 : 0) + (kind !== undefined ? 1 : 0);
    const keep = <K>(map: Map<K, number>, key: K): void => {
      if (!map.has(key)) map.set(key, rule.index);
    };
    if (fields > 1) return false;
    if (fields === 0) this.catchAll = Math.min(this.catchAll, rule.index);
    else if (code !== undefined) for (const c of toList(code)) keep(this.byCode, c);
    else if (kind !== undefined) for (const k of toList(kind)) keep(this.byKind, k);
    else {
      for (const s of toList(status)) {
        if (isStatusClass(s)) {
          const slot = Number(s[0]);
          this.byClass[slot] = Math.min(this.byClass[slot]!, rule.index);
        } else {
          keep(this.byStatus, s);
        }
      }
    }
    return true;
  }
}

/** 1 to 5 for statuses 100 to 599; 0 (a slot no row uses) for anything else. */
export function classOf(status: number): number {
  return status >= 100 && status < 600 ? Math.floor(status / 100) : 0;
}
