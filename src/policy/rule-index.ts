import type { Failure } from '../failure/failure.js';
import type { CompiledRule } from './compiled-rule.js';
import { isStatusClass, toList } from './validate-policy.js';

/**
 * Which fields a key is built from. A row indexes itself under one shape per combination of the
 * fields it constrains (a status list mixing `503` and `'4xx'` uses two shapes).
 */
const CODE = 1;
const STATUS = 2;
const STATUS_CLASS = 4;
const KIND = 8;

/**
 * First-match-wins lookup in O(number of shapes), not O(rows): each shape the table uses has a
 * map from key to the lowest row index with that key; a failure builds one key per shape and
 * the lowest index found wins. Since every row is in every map it could match through, the
 * lowest index over all maps is exactly the first row that matches: the same answer as a scan.
 */
export class RuleIndex {
  private readonly shapes: { readonly shape: number; readonly rows: Map<string, number> }[] = [];

  constructor(private readonly rules: readonly CompiledRule[]) {
    const byShape = new Map<number, Map<string, number>>();
    for (const rule of rules) {
      for (const [shape, key] of keysOf(rule)) {
        let rows = byShape.get(shape);
        if (rows === undefined) byShape.set(shape, (rows = new Map()));
        if (!rows.has(key)) rows.set(key, rule.index);
      }
    }
    // Fewer fields first is not needed for correctness; sorting just makes the order stable.
    for (const shape of [...byShape.keys()].sort((a, b) => a - b)) this.shapes.push({ shape, rows: byShape.get(shape)! });
  }

  /** The first row matching the failure, or undefined when none does. */
  find(failure: Failure): CompiledRule | undefined {
    let best = Number.POSITIVE_INFINITY;
    for (const { shape, rows } of this.shapes) {
      const key = keyFor(shape, failure);
      if (key === undefined) continue;
      const index = rows.get(key);
      if (index !== undefined && index < best) best = index;
    }
    return best === Number.POSITIVE_INFINITY ? undefined : this.rules[best];
  }
}

/** Every (shape, key) a row answers to. */
function* keysOf(rule: CompiledRule): Generator<[number, string]> {
  const codes = rule.match.code === undefined ? [undefined] : toList(rule.match.code);
  const statuses = rule.match.status === undefined ? [undefined] : toList(rule.match.status);
  const kinds = rule.match.kind === undefined ? [undefined] : toList(rule.match.kind);
  for (const code of codes) {
    for (const status of statuses) {
      for (const kind of kinds) {
        let shape = 0;
        const parts: string[] = [];
        if (code !== undefined) {
          shape |= CODE;
          parts.push(code);
        }
        if (status !== undefined) {
          shape |= isStatusClass(status) ? STATUS_CLASS : STATUS;
          parts.push(String(status));
        }
        if (kind !== undefined) {
          shape |= KIND;
          parts.push(kind);
        }
        yield [shape, parts.join('\u0000')];
      }
    }
  }
}

/** The key a failure has under a shape, or undefined when it lacks a field the shape needs. */
function keyFor(shape: number, failure: Failure): string | undefined {
  // The common single-field shapes avoid building strings.
  switch (shape) {
    case 0:
      return '';
    case CODE:
      return failure.code;
    case STATUS:
      return failure.status === undefined ? undefined : String(failure.status);
    case STATUS_CLASS:
      return statusClassOf(failure.status);
    case KIND:
      return failure.kind;
  }
  const parts: string[] = [];
  if (shape & CODE) {
    if (failure.code === undefined) return undefined;
    parts.push(failure.code);
  }
  if (shape & STATUS) {
    if (failure.status === undefined) return undefined;
    parts.push(String(failure.status));
  }
  if (shape & STATUS_CLASS) {
    const statusClass = statusClassOf(failure.status);
    if (statusClass === undefined) return undefined;
    parts.push(statusClass);
  }
  if (shape & KIND) parts.push(failure.kind);
  return parts.join('\u0000');
}

function statusClassOf(status: number | undefined): string | undefined {
  if (status === undefined || status < 100 || status > 599) return undefined;
  return `${Math.floor(status / 100)}xx`;
}
