import { FAILURE_KINDS, type Failure, type FailureKind } from '../failure/failure.js';
import type { CompiledRule } from './compiled-rule.js';
import { isStatusClass, toList } from './match-fields.js';

/** No row: larger than any row index, so `Math.min` with it is a no-op. */
const NONE = Number.MAX_SAFE_INTEGER;
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
 * Rows that combine fields (`{ code, status }`) are rarer and go through composite keys.
 */
export class RuleIndex {
  private readonly byCode = new Map<string, number>();
  private readonly byStatus = new Map<number, number>();
  /** Index by status class: `byClass[5]` is the lowest row matching `'5xx'`. */
  private readonly byClass: number[] = [NONE, NONE, NONE, NONE, NONE, NONE];
  private readonly byKind = new Map<FailureKind, number>();
  private catchAll = NONE;
  /** Composite rows: shape (which fields) → composite key → lowest row index. */
  private readonly composite = new Map<number, Map<string, number>>();

  constructor(private readonly rules: readonly CompiledRule[]) {
    for (const rule of rules) this.add(rule);
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
    if (this.composite.size > 0) best = Math.min(best, this.findComposite(failure));
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

  private add(rule: CompiledRule): void {
    const { code, status, kind } = rule.match;
    const fields = (code !== undefined ? 1 : 0) + (status !== undefined ? 1 : 0) + (kind !== undefined ? 1 : 0);
    const keep = <K>(map: Map<K, number>, key: K): void => {
      if (!map.has(key)) map.set(key, rule.index);
    };
    if (fields === 0) this.catchAll = Math.min(this.catchAll, rule.index);
    else if (fields > 1) this.addComposite(rule);
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
  }

  private addComposite(rule: CompiledRule): void {
    const codes = rule.match.code === undefined ? [undefined] : toList(rule.match.code);
    const statuses = rule.match.status === undefined ? [undefined] : toList(rule.match.status);
    const kinds = rule.match.kind === undefined ? [undefined] : toList(rule.match.kind);
    for (const code of codes) {
      for (const status of statuses) {
        for (const kind of kinds) {
          const shape = shapeOf(code !== undefined, status === undefined ? undefined : isStatusClass(status), kind !== undefined);
          let keys = this.composite.get(shape);
          if (keys === undefined) this.composite.set(shape, (keys = new Map()));
          const key = compositeKey(code, status === undefined ? undefined : String(status), kind);
          if (!keys.has(key)) keys.set(key, rule.index);
        }
      }
    }
  }

  private findComposite(failure: Failure): number {
    let best = NONE;
    for (const [shape, keys] of this.composite) {
      const wantsCode = (shape & CODE) !== 0;
      const wantsStatus = (shape & STATUS) !== 0;
      const wantsClass = (shape & STATUS_CLASS) !== 0;
      if (wantsCode && failure.code === undefined) continue;
      if ((wantsStatus || wantsClass) && (failure.status === undefined || (wantsClass && classOf(failure.status) === 0))) continue;
      const status = wantsStatus ? String(failure.status) : wantsClass ? `${classOf(failure.status!)}xx` : undefined;
      const index = keys.get(compositeKey(wantsCode ? failure.code : undefined, status, (shape & KIND) !== 0 ? failure.kind : undefined));
      if (index !== undefined && index < best) best = index;
    }
    return best;
  }
}

const CODE = 1;
const STATUS = 2;
const STATUS_CLASS = 4;
const KIND = 8;

function shapeOf(code: boolean, statusIsClass: boolean | undefined, kind: boolean): number {
  return (code ? CODE : 0) | (statusIsClass === undefined ? 0 : statusIsClass ? STATUS_CLASS : STATUS) | (kind ? KIND : 0);
}

function compositeKey(code: string | undefined, status: string | undefined, kind: string | undefined): string {
  return `${code ?? ''}\u0000${status ?? ''}\u0000${kind ?? ''}`;
}

/** 1 to 5 for statuses 100 to 599; 0 (a slot no row uses) for anything else. */
function classOf(status: number): number {
  return status >= 100 && status < 600 ? Math.floor(status / 100) : 0;
}
