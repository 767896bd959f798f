import type { Failure } from '../failure/failure.js';
import type { CompiledRule } from './compiled-rule.js';
import { isStatusClass, toList } from './match-fields.js';
import { classOf, NO_ROW, type CompositeIndexer, type CompositeLookup } from './rule-index.js';

/**
 * The lookup of a table's rows that combine match fields (`{ code, status }`, `{ status, kind }`):
 * each row is spread into composite keys, one per combination of its values, under the shape of
 * fields it constrains; a failure builds its key for each shape present and takes the lowest row
 * index found. Given to the {@link RuleIndex} of every policy from `definePolicy`; the prebuilt
 * tables have no such row and leave it out.
 *
 * @example
 * ```ts
 * const index = new RuleIndex(rules, indexCompositeRows);
 * ```
 */
export const indexCompositeRows: CompositeIndexer = (rows) => {
  const lookup = new CompositeRows();
  for (const row of rows) lookup.add(row);
  return lookup;
};

class CompositeRows implements CompositeLookup {
  /** Shape (which fields) → composite key → lowest row index. */
  private readonly byShape = new Map<number, Map<string, number>>();

  add(rule: CompiledRule): void {
    const codes = rule.match.code === undefined ? [undefined] : toList(rule.match.code);
    const statuses = rule.match.status === undefined ? [undefined] : toList(rule.match.status);
    const kinds = rule.match.kind === undefined ? [undefined] : toList(rule.match.kind);
    for (const code of codes) {
      for (const status of statuses) {
        for (const kind of kinds) {
          const shape = shapeOf(code !== undefined, status === undefined ? undefined : isStatusClass(status), kind !== undefined);
          let keys = this.byShape.get(shape);
          if (keys === undefined) this.byShape.set(shape, (keys = new Map()));
          const key = compositeKey(code, status === undefined ? undefined : String(status), kind);
          if (!keys.has(key)) keys.set(key, rule.index);
        }
      }
    }
  }

  find(failure: Failure): number {
    let best = NO_ROW;
    for (const [shape, keys] of this.byShape) {
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
